// What one project's sweep writes, decided from what was read, without I/O: the sweeper
// (sweeper.ts sweepBatch) passes it to store/sweep-store.ts `batch`, on either store.
import type { SweepDecision, SweepInput } from "../store/sweep-store.ts";
import { evaluateProject, type Status } from "./status.ts";
import { conditionsOf, planIncidents } from "./incident-plan.ts";
import { heardFromForJudging, inStartupGrace } from "./startup-grace.ts";
import { nextSweepAt } from "./deadline.ts";
import type { SweptKind } from "../incidents/kinds.ts";

/** The project's status after the sweep, and before it (as stored). */
export interface Swept {
  status: Status;
  previous: string;
}

/**
 * `hold(kind)`: seconds a condition must stay away before its incident resolves. `coreStartedAt`: when
 * this core started (startup-grace.ts), or null for no startup grace. Only real transitions are planned:
 * a status or reasons write only when either changed.
 */
export function decideSweep(input: SweepInput, now: Date, hold: (kind: SweptKind) => number, coreStartedAt: Date | null): SweepDecision<Swept> {
  const { project } = input;
  // Reports the agent queued while the core was down carry times from the downtime (startup-grace.ts).
  const databases = coreStartedAt
    ? input.databases.map((d) => ({ ...d, lastHeartbeatAt: heardFromForJudging(d.lastHeartbeatAt, coreStartedAt, project.heartbeatGraceSeconds, now) }))
    : input.databases;
  // The core's own downtime is no silence of the agent's: only the deadline moves, to the grace's end.
  if (coreStartedAt && inStartupGrace(project, coreStartedAt, now)) {
    const graceEndsAt = new Date(coreStartedAt.getTime() + project.heartbeatGraceSeconds * 1000 + 1);
    const deadline = nextSweepAt({ ...project, databases }, input.openIncidents, [], now, hold, graceEndsAt);
    return { plan: { incidents: [], project: null, databases: [], deadline }, result: { status: project.status, previous: project.status } };
  }
  const verdict = evaluateProject(project, databases, now, project.rejectedToken ?? null);
  const reasons = JSON.stringify(verdict.reasons);
  const conditions = conditionsOf(verdict, databases.map((d) => d.id), project.lastHeartbeatAt !== null || (project.lastPingAt ?? null) !== null);
  const actions = planIncidents(input.openIncidents, conditions, now, hold);
  const changed = project.status !== verdict.status;
  return {
    plan: {
      incidents: actions,
      project: changed || project.statusReasons !== reasons ? { status: verdict.status, reasons, since: changed ? now : null } : null,
      databases: databases.flatMap((d, i) => {
        const v = verdict.databases[i];
        const dbReasons = JSON.stringify(v.reasons);
        return d.status !== v.status || d.statusReasons !== dbReasons ? [{ id: d.id, status: v.status, reasons: dbReasons }] : [];
      }),
      deadline: nextSweepAt({ ...project, databases }, input.openIncidents, actions, now, hold),
    },
    result: { status: verdict.status, previous: project.status },
  };
}
