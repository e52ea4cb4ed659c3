// Runs a periodic job only while this core holds the job's lease (lease.ts, terms in lease-terms.ts).
// Each run claims first (one conditional upsert: a renewal when already held), renews every third of the
// lease while the job lasts; its completion is recorded with the next claim (or the release), for
// /healthz. A single core always holds its leases: its runs are as they were, after one small write.
// close() lets held leases go, so a core restarted on the same store takes them at once; after a kill -9
// a peer (or the restarted core) waits for the lease to run out.
//
//   const leases = createLeases({ store: new LeaseStore(prisma, "sqlite"), logger });
//   const gate = leases.gate("sweep", 15_000);
//   await gate(() => sweepDue());      // the job's result, or null when a peer holds the lease; a store error throws
import type { Log } from "../logger.ts";
import { leaseLengthMs, renewEveryMs } from "./lease-terms.ts";
import { newHolderId, type CompletedRuns, type LeaseStore } from "./lease.ts";
import { leaseSettingsProblem, type JobSettings } from "./lease-settings.ts";

/** How often a core whose leases a peer holds compares its job settings with the holder's. */
const SETTINGS_CHECK_MS = 60_000;

/** Runs `job` when this core holds (or can take) the lease; null, without running it, while a peer holds it. */
export type LeaseGate = <T>(job: () => Promise<T>) => Promise<T | null>;

export interface Leases {
  /** This core's holder id ("<hostname>:<pid>:<8 hex>"). */
  holder: string;
  /** The gate of job `name`, which its loop runs every `periodMs` ms (the lease lasts lease-terms.ts leaseLengthMs). */
  gate(name: string, periodMs: number): LeaseGate;
  /** Peers holding a lease with other job settings than this core's (lease-settings.ts), one line each. Errors: the store's. */
  settingsProblems(): Promise<string[]>;
  /**
   * Logs each settingsProblems() line not logged before, once. Called at start, and by the gate whenever a peer
   * holds a lease (at most once a minute): a peer that took the leases after this core started is noticed too.
   * Errors: the store's.
   */
  warnSettingsProblems(): Promise<void>;
  /** Lets every lease this core holds go (a graceful stop). Store errors are logged. */
  close(): Promise<void>;
}

/** settings: this core's shared-job settings (lease-settings.ts jobSettings), recorded with each lease it takes. */
export function createLeases(deps: { store: LeaseStore; logger: Log; settings?: JobSettings; holder?: string; now?: () => Date }): Leases {
  const { store, logger } = deps;
  const settings = deps.settings ?? {};
  const holder = deps.holder ?? newHolderId();
  const now = deps.now ?? (() => new Date());
  const held = new Set<string>();
  // Problem lines already logged, and when a peer's settings were last looked at.
  const warned = new Set<string>();
  let settingsCheckedMs = -Infinity;
  // Completed runs not yet written, per lease: written with the next claim or the release.
  const done = new Map<string, CompletedRuns>();
  let closed = false;

  /** Claims `name`; true when this core holds it now. Throws the store's error (the job's loop logs it as the job's failure). */
  async function claim(name: string, lengthMs: number): Promise<boolean> {
    const pending = done.get(name) ?? null;
    const outcome = await store.claim(name, holder, now(), lengthMs, pending);
    // Written with a renewal; a lost lease drops them (the peer's runs count on).
    if (done.get(name) === pending) done.delete(name);
    if (outcome === "took") {
      logger.info({ lease: name, holder, leaseMs: lengthMs }, "lease taken: this core runs the job");
      await store.recordSettings(name, holder, settings).catch((err) => logger.warn({ err, lease: name }, "cannot record this core's job settings with the lease"));
    }
    if (outcome === "held" && held.has(name)) logger.warn({ lease: name, holder }, "lease lost to another core: it runs the job now");
    if (outcome === "held" && now().getTime() - settingsCheckedMs >= SETTINGS_CHECK_MS) {
      warnSettingsProblems().catch((err) => logger.warn({ err, lease: name }, "cannot compare this core's job settings with the lease holder's"));
    }
    if (outcome === "held") held.delete(name);
    else held.add(name);
    return outcome !== "held";
  }

  /** A renewal while the job runs; a store error is logged, the lease lasts until its `until`. */
  function renew(name: string, lengthMs: number): void {
    claim(name, lengthMs).catch((err) => logger.warn({ err, lease: name }, "cannot renew the lease while the job runs"));
  }

  async function settingsProblems(): Promise<string[]> {
    const [rows, recorded] = await Promise.all([store.list(), store.listSettings()]);
    return rows.map((r) => leaseSettingsProblem(r, recorded.get(r.name), settings, holder, now())).filter((p): p is string => p !== null);
  }

  async function warnSettingsProblems(): Promise<void> {
    settingsCheckedMs = now().getTime();
    const fresh = (await settingsProblems()).filter((p) => !warned.has(p));
    for (const p of fresh) warned.add(p);
    if (fresh.length > 0) logger.warn({ problems: fresh }, `this core's settings differ from a peer's on this store: ${fresh.join("; ")}`);
  }

  return {
    holder,
    gate(name, periodMs) {
      const lengthMs = leaseLengthMs(periodMs);
      return async <T>(job: () => Promise<T>): Promise<T | null> => {
        if (closed || !(await claim(name, lengthMs))) return null;
        const renewal = setInterval(() => renew(name, lengthMs), renewEveryMs(lengthMs));
        renewal.unref();
        let result: T;
        try {
          result = await job();
        } finally {
          clearInterval(renewal);
        }
        done.set(name, { runs: (done.get(name)?.runs ?? 0) + 1, lastAt: now() });
        return result;
      };
    },
    settingsProblems,
    warnSettingsProblems,
    async close() {
      closed = true;
      for (const name of [...held]) {
        await store.release(name, holder, now(), done.get(name) ?? null).catch((err) => logger.warn({ err, lease: name }, "cannot let the lease go; a peer takes it when it runs out"));
        held.delete(name);
      }
    },
  };
}
