// What one project's sweep writes, decided from what was read, without I/O: the sweeper
// (sweeper.ts sweepBatch) passes it to store/sweep-store.ts `batch`, on either store.
import type { SweepDecision, SweepInput } from "../store/sweep-store.ts";
import { evaluateProject, type Status } from "./status.ts";
import { conditionsOf, planIncidents } from "./incident-plan.ts";
import { heardFromForJudging, projectExcusedBy, type Sight } from "./watching-since.ts";
import { nextSweepAt } from "./deadline.ts";
import type { SweptKind } from "../incidents/kinds.ts";

/** The project's status after the sweep, and before it (as stored). */
export interface Swept {
  status: Status;
  previous: string;
}

/**
 * `hold(kind)`: seconds a condition must stay away before its incident resolves. `sights`: the moments
 * the watcher regained sight after a blind gap (watching-since.ts: this core's start, a store outage...),
 * or null for none. Only real transitions are planned: a status or reasons write only when either changed.
 */
export function decideSweep(input: SweepInput, now: Date, hold: (kind: SweptKind) => number, sights: readonly Sight[] | null): SweepDecision<Swept> {
  const { project } = input;
  const seen = sights ?? [];
  // Reports the agent queued during a blind gap carry times from the gap (watching-since.ts).
  const databases = seen.length === 0 ? input.databases : input.databases.map((d) => ({ ...d, lastHeartbeatAt: heardFromForJudging(d.lastHeartbeatAt, seen, project.heartbeatGraceSeconds, now) }));
  // The watcher's blindness is no silence of the agent's: only the deadline moves, to the grace's end.
  const excused = projectExcusedBy(project, seen, now);
  if (excused) {
    const graceEndsAt = new Date(excused.sight.since.getTime() + excused.graceSeconds * 1000 + 1);
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
