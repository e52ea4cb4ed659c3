// Applies the pure freshness verdicts to the store: project and database
// statuses, and the incidents they imply (one per condition, see incident-plan.ts).
// A sweep evaluates only the projects whose deadline passed (deadline.ts) or was
// cleared by a change, in batches: each batch is one transaction of the sweep
// store (store/sweep-store.ts, SQLite or PostgreSQL) that reads, decides
// (sweep-decision.ts) and writes, and the event loop gets a turn between batches,
// so a mass silence is a few short transactions, not a frozen core.
import type { AsyncSweepStore } from "../store/sweep-store.ts";
import type { Status } from "./status.ts";
import { decideSweep } from "./sweep-decision.ts";
import type { Log } from "../logger.ts";
import type { SweptKind } from "../incidents/kinds.ts";
import type { LeaseGate } from "../store/lease-gate.ts";
import { SweepDurations } from "./sweep-durations.ts";
import { blindAfterMs, type Sight } from "./watching-since.ts";
import { createSightKeeper } from "./sight-keeper.ts";
import { createOutageLog } from "../store/outage.ts";
import { takeFirst } from "../take-first.ts";
import { isSqliteBusy } from "../store/sqlite-busy.ts";

/** Seconds a condition must stay away before its incident resolves, per kind. */
export type HoldSeconds = (kind: SweptKind) => number;

/** Told after a sweep has stored a project's new status (e.g. the drill service queues a first drill on "fresh"). */
export type StatusListener = (projectId: string, status: Status, previous: string) => void;

/**
 * Projects per transaction; between batches the event loop runs (setImmediate). A project costs ~1–1.5 ms
 * of reads and writes on a busy 2-core machine: the evaluations queued by 333 heartbeats/s filled batches of
 * 100 and held the loop 150 ms each (a CPU profile of the control-plane bench); 25 keeps a batch near 40 ms.
 */
export const SWEEP_BATCH = 25;

/**
 * Evaluates these projects in one transaction of the store at `now` and tells `onChange` of each stored
 * status change once committed. Resolves with each existing project's status (deleted ones are absent);
 * rejects with the store's error (its transient conflicts are retried inside `batch`), nothing of the batch stored.
 */
export async function sweepBatch(
  store: AsyncSweepStore,
  projectIds: string[],
  now: Date,
  hold: HoldSeconds = () => 0,
  onChange: StatusListener = () => {},
  sights: readonly Sight[] | null = null,
): Promise<Map<string, Status>> {
  const results = await store.batch(projectIds, now, (input) => decideSweep(input, now, hold, sights));
  const statuses = new Map<string, Status>();
  for (const [id, swept] of results) {
    statuses.set(id, swept.status);
    if (swept.status !== swept.previous) onChange(id, swept.status, swept.previous);
  }
  return statuses;
}

/** Evaluates one project at `now` in its own transaction; its status, or null when it does not exist. */
export async function sweepProject(
  store: AsyncSweepStore,
  projectId: string,
  now = new Date(),
  hold: HoldSeconds = () => 0,
  onChange: StatusListener = () => {},
  sights: readonly Sight[] | null = null,
): Promise<Status | null> {
  return (await sweepBatch(store, [projectId], now, hold, onChange, sights)).get(projectId) ?? null;
}

const EVALUATE_DELAY_MS = 100;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sweeps the due projects on an interval, and one project on demand (coalesced).
 * `store`: the sweep store (store/sqlite-sweep-store.ts or store/postgres/sweep-store.ts).
 * `startedAt`: when this core started: sight regained then (watching-since.ts). Before judging, a core also
 * notes in the store when sight returned after a blind gap: no sweep completed by any core for longer than
 * blindAfterMs (store down, every core down, a frozen loop, a dead lease holder), or its own store reads
 * failed; every core honours the stored moment (a project the gap caught gets its grace from it).
 * `gate`: with several cores on one store, the interval sweep runs only in the core holding the "sweep"
 * lease (store/lease-gate.ts); on-demand evaluations run in every core.
 */
export function createSweeper(store: AsyncSweepStore, intervalSeconds: number, logger: Log, hold: HoldSeconds = () => 0, startedAt = new Date(), gate?: LeaseGate) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  // A store outage: one line when it begins and one when it ends, not an error with a stack every interval.
  const outages = createOutageLog(logger, "freshness sweep");
  const queued = new Set<string>();
  let draining: Promise<void> | null = null;
  const listeners: StatusListener[] = [];
  const changed: StatusListener = (...args) => {
    for (const listen of listeners) listen(...args);
  };
  let lastSweepAt = new Date(0);
  let completedAt: Date | null = null;
  const durations = new SweepDurations();
  const completedListeners: Array<(at: Date) => void> = [];
  const sight = createSightKeeper(store, startedAt, blindAfterMs(intervalSeconds), logger);
  let sweepBegan: Date | null = null;
  const sightsAt = (now: Date) => sight.sightsAt(now, [completedAt, sweepBegan]);

  /** Marks a completed sweep in memory and in the store (for peers); a busy store keeps the memory mark until the next one. */
  async function completed(at: Date): Promise<void> {
    completedAt = at;
    await store.mark.record(at).catch((err: { code?: string }) => {
      if (!isSqliteBusy(err)) logger.warn({ err }, "cannot store the time of the last completed sweep");
    });
    for (const listen of completedListeners) listen(at);
  }

  /** The due projects (and those whose agent came with a rejected token since the last sweep), SWEEP_BATCH at a time. */
  async function sweepDue(): Promise<void> {
    const began = performance.now();
    const now = new Date();
    const sights = await sightsAt(now);
    sweepBegan = now;
    const [due, rejected] = await Promise.all([store.reads.due(now), store.reads.rejectedSince(lastSweepAt)]);
    const ids = [...new Set([...due, ...rejected])];
    lastSweepAt = now;
    for (let i = 0; i < ids.length; i += SWEEP_BATCH) {
      if (i > 0) await yieldToLoop();
      await sweepBatch(store, ids.slice(i, i + SWEEP_BATCH), new Date(), hold, changed, sights);
    }
    durations.record(new Date(), performance.now() - began);
    await completed(new Date());
  }

  function tick(): Promise<void> {
    // A blind core checks its sight even while a peer holds the sweep (its evaluations judge too).
    running ??= (sight.blind ? sightsAt(new Date()) : Promise.resolve([]))
      .then(() => (gate ? gate(sweepDue) : sweepDue()))
      .then(() => outages.ok())
      .catch((err) => {
        sight.failed();
        if (!outages.failed(err)) logger.error({ err }, "freshness sweep failed");
      })
      .finally(() => {
        running = null;
        sweepBegan = null;
      });
    return running;
  }

  async function drain(): Promise<void> {
    while (queued.size > 0) {
      const ids = takeFirst(queued, SWEEP_BATCH);
      const now = new Date();
      await sightsAt(now)
        .then((sights) => sweepBatch(store, ids, now, hold, changed, sights))
        .then(() => outages.ok())
        .catch((err) => {
          sight.failed();
          if (!outages.failed(err)) logger.error({ err, projects: ids.length }, "freshness sweep failed");
        });
      if (queued.size > 0) await yieldToLoop();
    }
    draining = null;
  }

  return {
    tick,
    /** What every evaluation reads and writes. */
    store,
    /** When this core started (the stale-sweep limit counts from it until a first sweep completes). */
    startedAt,
    /** The latest completed sweep, this process's or a peer's (store), or null when none completed yet. */
    async lastCompletedAt(): Promise<Date | null> {
      // An unreadable store: this process's own mark still tells.
      const stored = await store.mark.latest().catch(() => null);
      if (!stored) return completedAt;
      return completedAt && completedAt > stored ? completedAt : stored;
    },
    /** This core's interval sweeps: the last one's duration and the longest within the last hour (sweep-durations.ts). */
    sweepDurations(now = new Date()) {
      return durations.figures(now);
    },
    /** Adds a listener told after every completed interval sweep (not after on-demand evaluations), with its end time. */
    onSweepCompleted(listener: (at: Date) => void): void {
      completedListeners.push(listener);
    },
    /** Adds a listener told of every status change a sweep stores. */
    onStatusChange(listener: StatusListener): void {
      listeners.push(listener);
    },
    /** Evaluates the project soon: after each heartbeat, ping or threshold change; those within EVALUATE_DELAY_MS share one transaction. */
    evaluate(projectId: string): void {
      queued.add(projectId);
      draining ??= new Promise<void>((resolve) => setTimeout(resolve, EVALUATE_DELAY_MS)).then(drain);
    },
    async idle(): Promise<void> {
      while (running || draining) await Promise.all([running, draining]);
    },
    start(): void {
      timer = setInterval(() => void tick(), intervalSeconds * 1000);
      timer.unref();
      void tick();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([running, draining]);
    },
  };
}
export type Sweeper = ReturnType<typeof createSweeper>;
