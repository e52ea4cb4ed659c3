// Applies the pure freshness verdicts to the store: project and database
// statuses, and the incidents they imply (one per condition, see incident-plan.ts,
// written by incidents/sweep-sql.ts). A sweep evaluates only the projects whose
// deadline passed (deadline.ts) or was cleared by a change, in batches: each
// batch is one SQLite transaction on the fast connection, and the event loop
// gets a turn between batches, so a mass silence is a few short transactions,
// not a frozen core.
import type { SweepStore } from "../store/fast-path.ts";
import { evaluateProject, type Status } from "./status.ts";
import { conditionsOf, planIncidents } from "./incident-plan.ts";
import { heardFromForJudging, inStartupGrace } from "./startup-grace.ts";
import type { Log } from "../logger.ts";
import { nextSweepAt } from "./deadline.ts";
import type { SweptKind } from "../incidents/kinds.ts";
import type { LeaseGate } from "../store/lease-gate.ts";

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
const BUSY_RETRIES = 200;

interface Swept {
  status: Status;
  previous: string;
}

/**
 * Evaluates one project and writes what changed: incidents first, then statuses, then its next deadline.
 * Synchronous, for the caller's transaction. Null when the project does not exist (deleted meanwhile).
 */
function sweepOne(sweep: SweepStore, projectId: string, now: Date, hold: HoldSeconds, coreStartedAt: Date | null): Swept | null {
  const input = sweep.reads.read(projectId);
  if (!input) return null;
  const { project } = input;
  // Reports the agent queued while the core was down carry times from the downtime (startup-grace.ts).
  const databases = coreStartedAt
    ? input.databases.map((d) => ({ ...d, lastHeartbeatAt: heardFromForJudging(d.lastHeartbeatAt, coreStartedAt, project.heartbeatGraceSeconds, now) }))
    : input.databases;
  // The core's own downtime is no silence of the agent's (startup-grace.ts).
  if (coreStartedAt && inStartupGrace(project, coreStartedAt, now)) {
    const graceEndsAt = new Date(coreStartedAt.getTime() + project.heartbeatGraceSeconds * 1000 + 1);
    sweep.writes.deadline(project.id, nextSweepAt({ ...project, databases }, input.openIncidents, [], now, hold, graceEndsAt));
    return { status: project.status, previous: project.status };
  }
  const verdict = evaluateProject(project, databases, now, project.rejectedToken ?? null);
  const reasons = JSON.stringify(verdict.reasons);

  const conditions = conditionsOf(verdict, databases.map((d) => d.id), project.lastHeartbeatAt !== null || (project.lastPingAt ?? null) !== null);
  const actions = planIncidents(input.openIncidents, conditions, now, hold);
  sweep.incidents.apply(project.id, actions, now);
  if (project.status !== verdict.status || project.statusReasons !== reasons) {
    sweep.writes.projectStatus(project.id, verdict.status, reasons, project.status !== verdict.status ? now : null, now);
  }
  for (const [i, d] of databases.entries()) {
    const v = verdict.databases[i];
    const dbReasons = JSON.stringify(v.reasons);
    if (d.status !== v.status || d.statusReasons !== dbReasons) sweep.writes.databaseStatus(d.id, v.status, dbReasons);
  }
  // Last: the incident writes above clear it (SQL triggers).
  sweep.writes.deadline(project.id, nextSweepAt({ ...project, databases }, input.openIncidents, actions, now, hold));
  return { status: verdict.status, previous: project.status };
}

/**
 * Evaluates these projects in one transaction at `now` and tells `onChange` of each stored status change
 * once committed. SQLITE_BUSY (Prisma's connection holds the write lock) is retried on timers, never by
 * blocking the event loop; other errors reject and nothing of the batch is stored.
 */
export async function sweepBatch(
  sweep: SweepStore,
  projectIds: string[],
  now: Date,
  hold: HoldSeconds = () => 0,
  onChange: StatusListener = () => {},
  coreStartedAt: Date | null = null,
): Promise<Map<string, Status>> {
  let results: [string, Swept | null][] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      results = sweep.writes.transaction(() => projectIds.map((id) => [id, sweepOne(sweep, id, now, hold, coreStartedAt)] as [string, Swept | null]));
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY" || attempt >= BUSY_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, Math.min(50, 1 + attempt)));
    }
  }
  const statuses = new Map<string, Status>();
  for (const [id, swept] of results) {
    if (!swept) continue;
    statuses.set(id, swept.status);
    if (swept.status !== swept.previous) onChange(id, swept.status, swept.previous);
  }
  return statuses;
}

/** Evaluates one project at `now` in its own transaction; its status, or null when it does not exist. */
export async function sweepProject(
  sweep: SweepStore,
  projectId: string,
  now = new Date(),
  hold: HoldSeconds = () => 0,
  onChange: StatusListener = () => {},
  coreStartedAt: Date | null = null,
): Promise<Status | null> {
  return (await sweepBatch(sweep, [projectId], now, hold, onChange, coreStartedAt)).get(projectId) ?? null;
}

const EVALUATE_DELAY_MS = 100;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sweeps the due projects on an interval, and one project on demand (coalesced).
 * `startedAt`: when this core started; every project gets its heartbeat grace from then (startup-grace.ts).
 * `gate`: with several cores on one store, the interval sweep runs only in the core holding the "sweep"
 * lease (store/lease-gate.ts); on-demand evaluations run in every core.
 */
export function createSweeper(sweep: SweepStore, intervalSeconds: number, logger: Log, hold: HoldSeconds = () => 0, startedAt = new Date(), gate?: LeaseGate) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const queued = new Set<string>();
  let draining: Promise<void> | null = null;
  const listeners: StatusListener[] = [];
  const changed: StatusListener = (...args) => {
    for (const listen of listeners) listen(...args);
  };
  let lastSweepAt = new Date(0);
  let completedAt: Date | null = null;
  const completedListeners: Array<(at: Date) => void> = [];

  /** Marks a completed sweep in memory and in the store (for peers); a busy store keeps the memory mark until the next one. */
  function completed(at: Date): void {
    completedAt = at;
    try {
      sweep.mark.record(at);
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY") logger.warn({ err }, "cannot store the time of the last completed sweep");
    }
    for (const listen of completedListeners) listen(at);
  }

  /** The due projects (and those whose agent came with a rejected token since the last sweep), SWEEP_BATCH at a time. */
  async function sweepDue(): Promise<void> {
    const now = new Date();
    const ids = [...new Set([...sweep.reads.due(now), ...sweep.reads.rejectedSince(lastSweepAt)])];
    lastSweepAt = now;
    for (let i = 0; i < ids.length; i += SWEEP_BATCH) {
      if (i > 0) await yieldToLoop();
      await sweepBatch(sweep, ids.slice(i, i + SWEEP_BATCH), new Date(), hold, changed, startedAt);
    }
    completed(new Date());
  }

  function tick(): Promise<void> {
    running ??= (gate ? gate(sweepDue) : sweepDue())
      .then(() => undefined)
      .catch((err) => logger.error({ err }, "freshness sweep failed"))
      .finally(() => (running = null));
    return running;
  }

  async function drain(): Promise<void> {
    while (queued.size > 0) {
      const ids = [...queued].slice(0, SWEEP_BATCH);
      for (const id of ids) queued.delete(id);
      await sweepBatch(sweep, ids, new Date(), hold, changed, startedAt).catch((err) => logger.error({ err, projects: ids.length }, "freshness sweep failed"));
      if (queued.size > 0) await yieldToLoop();
    }
    draining = null;
  }

  return {
    tick,
    /** What every evaluation reads and writes (store/fast-path.ts). */
    store: sweep,
    /** When this core started (the stale-sweep limit counts from it until a first sweep completes). */
    startedAt,
    /** The latest completed sweep, this process's or a peer's (store), or null when none completed yet. */
    lastCompletedAt(): Date | null {
      let stored: Date | null = null;
      try {
        stored = sweep.mark.latest();
      } catch {
        /* an unreadable store: this process's own mark still tells */
      }
      if (!stored) return completedAt;
      return completedAt && completedAt > stored ? completedAt : stored;
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
