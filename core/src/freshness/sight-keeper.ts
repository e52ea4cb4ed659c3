// One core's shell around watching-since.ts: before judging, it reads when a sweep last completed and the
// stored sight, notes a blind gap that just ended (no sweep by any core for longer than blindAfterMs, or
// this core's own store reads or sweeps failing) and stores it, so every core, and one that takes the
// sweep over later, honours the same moment.
import type { AsyncSweepStore } from "../store/sweep-store.ts";
import type { Log } from "../logger.ts";
import { sightAfterGap, type Sight } from "./watching-since.ts";

/** How long one core reuses its read of the sweep mark and the stored sight (ms). */
export const READ_REUSE_MS = 1_000;

const latest = (times: (Date | null)[]) => times.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
const earliest = (times: (Date | null)[]) => times.reduce<Date | null>((a, b) => (b && (!a || b < a) ? b : a), null);

export interface SightKeeper {
  /**
   * The sights to judge with at `now`: this core's start, the latest stored, and one ending at `now` when a
   * blind gap just ended (stored before it is returned). `ownSweep`: when this core's sweep in progress
   * began, or when it last completed one (the store's mark may lag). The store's rows are read at most once
   * per READ_REUSE_MS of `now` while no failure was told. Rejects with the store's error; the core then
   * counts as blind until a read succeeds.
   */
  sightsAt(now: Date, ownSweep: (Date | null)[]): Promise<Sight[]>;
  /** A store read or sweep failed: the core is blind from its last successful read. */
  failed(): void;
  /** True between a failure and the next successful read. */
  readonly blind: boolean;
}

/** `startedAt`: this core's start (sight regained then, blindFrom unknown). `boundMs`: watching-since.ts blindAfterMs. */
export function createSightKeeper(store: AsyncSweepStore, startedAt: Date, boundMs: number, logger: Log): SightKeeper {
  const started: Sight = { blindFrom: null, since: startedAt };
  let lastOkAt: Date | null = null;
  let failing = false;
  // The last reads, reused for READ_REUSE_MS while the store answers: evaluations drain every 100 ms under load.
  let read: { at: number; mark: Date | null; recorded: Sight | null } | null = null;
  return {
    get blind() {
      return failing;
    },
    failed() {
      failing = true;
    },
    async sightsAt(now, ownSweep) {
      try {
        const t = now.getTime();
        if (failing || !read || t < read.at || t - read.at >= READ_REUSE_MS) {
          const [mark, stored] = await Promise.all([store.mark.latest(), store.sight.latest()]);
          read = { at: t, mark, recorded: stored };
        }
        const { mark, recorded } = read;
        let regained = sightAfterGap(latest([mark, ...ownSweep]), recorded, now, boundMs);
        if (failing) regained = { blindFrom: earliest([regained?.blindFrom ?? null, lastOkAt]), since: now };
        if (regained) {
          await store.sight.record(regained);
          read = { ...read, recorded: regained };
          logger.warn({ blindFrom: regained.blindFrom, since: regained.since }, "the watcher was blind (store unreachable, cores down or no sweep): projects whose silence began in the gap get their heartbeat grace from now");
        }
        failing = false;
        lastOkAt = now;
        return [started, recorded, regained].filter((s): s is Sight => s !== null);
      } catch (err) {
        failing = true;
        throw err;
      }
    },
  };
}
