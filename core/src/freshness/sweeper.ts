// Applies the pure freshness verdicts to the store: project and database
// statuses, and the incidents they imply (one per condition, see incident-plan.ts),
// written by incidents/.
import type { Store } from "../store/db.ts";
import { applyIncidentActions } from "../incidents/sweep-actions.ts";
import type { SweptKind } from "../incidents/kinds.ts";
import type { SweepReads } from "../store/sweep-reads.ts";
import { evaluateProject, type Status } from "./status.ts";
import { conditionsOf, planIncidents } from "./incident-plan.ts";
import { inStartupGrace } from "./startup-grace.ts";
import type { Log } from "../logger.ts";

/** Seconds a condition must stay away before its incident resolves, per kind. */
export type HoldSeconds = (kind: SweptKind) => number;

/** Told after a sweep has stored a project's new status (e.g. the drill service queues a first drill on "fresh"). */
export type StatusListener = (projectId: string, status: Status, previous: string) => void;

/** `reads`: the project's rows, read on the heartbeat fast path's connection (store/sweep-reads.ts). */
export async function sweepProject(
  store: Store,
  reads: SweepReads,
  projectId: string,
  now = new Date(),
  hold: HoldSeconds = () => 0,
  onChange: StatusListener = () => {},
  coreStartedAt: Date | null = null,
): Promise<Status | null> {
  const input = reads.read(projectId);
  if (!input) return null;
  const { project, databases } = input;
  // The core's own downtime is no silence of the agent's (startup-grace.ts).
  if (coreStartedAt && inStartupGrace(project, coreStartedAt, now)) return project.status as Status;
  const verdict = evaluateProject(project, databases, now, project.rejectedToken ?? null);
  const reasons = JSON.stringify(verdict.reasons);

  // Incidents first, statuses after: a crash in between is repaired by the next sweep.
  const conditions = conditionsOf(verdict, databases.map((d) => d.id), project.lastHeartbeatAt !== null || (project.lastPingAt ?? null) !== null);
  await applyIncidentActions(store, project.id, planIncidents(input.openIncidents, conditions, now, hold), now);
  if (project.status !== verdict.status || project.statusReasons !== reasons) {
    await store.project.update({
      where: { id: project.id },
      data: { status: verdict.status, statusReasons: reasons, ...(project.status !== verdict.status ? { statusSince: now } : {}) },
    });
  }
  for (const [i, d] of databases.entries()) {
    const v = verdict.databases[i];
    const dbReasons = JSON.stringify(v.reasons);
    if (d.status !== v.status || d.statusReasons !== dbReasons) {
      await store.database.update({ where: { id: d.id }, data: { status: v.status, statusReasons: dbReasons } });
    }
  }
  if (project.status !== verdict.status) onChange(project.id, verdict.status, project.status);
  return verdict.status;
}

const EVALUATE_DELAY_MS = 100;

/** Re-evaluates every project on an interval, and one project on demand (coalesced). */
/** `startedAt`: when this core started; every project gets its heartbeat grace from then (startup-grace.ts). */
export function createSweeper(store: Store, reads: SweepReads, intervalSeconds: number, logger: Log, hold: HoldSeconds = () => 0, startedAt = new Date()) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const queued = new Set<string>();
  let draining: Promise<void> | null = null;
  const listeners: StatusListener[] = [];
  const changed: StatusListener = (...args) => {
    for (const listen of listeners) listen(...args);
  };

  async function sweepAll(): Promise<void> {
    const projects = await store.project.findMany({ select: { id: true } });
    for (const p of projects) await sweepProject(store, reads, p.id, new Date(), hold, changed, startedAt);
  }

  function tick(): Promise<void> {
    running ??= sweepAll()
      .catch((err) => logger.error({ err }, "freshness sweep failed"))
      .finally(() => (running = null));
    return running;
  }

  async function drain(): Promise<void> {
    while (queued.size > 0) {
      const [id] = queued;
      queued.delete(id);
      await sweepProject(store, reads, id, new Date(), hold, changed, startedAt).catch((err) => logger.error({ err, projectId: id }, "freshness sweep failed"));
    }
    draining = null;
  }

  return {
    tick,
    /** The store reads every evaluation starts from. */
    reads,
    /** Adds a listener told of every status change a sweep stores. */
    onStatusChange(listener: StatusListener): void {
      listeners.push(listener);
    },
    /** Evaluates the project soon: after each heartbeat, ping or threshold change; those within EVALUATE_DELAY_MS share one evaluation. */
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
