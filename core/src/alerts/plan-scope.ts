// Which projects a planning pass looks at. The incident outbox
// (IncidentTransition rows, written by core/src/incidents/) says which
// projects had an incident open or resolve since the last pass; the last pass
// said when each project's open incidents next need planning (confirmation
// delay, reminders). A pass plans only those projects instead of reloading
// every open incident every tick. Every project is planned on the first pass,
// when the alert channels changed (recipients of many projects), and at least
// every `fullPassMs` (another core's progress, anything the outbox does not
// carry). That periodic pass skips the projects whose incidents all resolved
// before the previous one: a resolved incident's notices depend on nothing
// but its deliveries and recipients, planned when it resolved (a day of
// resolved incidents at 10,000 projects: 3-4 s of CPU a minute, in slices). A
// project whose row changed (its alert emails, a pause, a status) is
// planned on its own if it has an incident to plan: one changed project never
// costs a pass over all of them, nor do many changed projects without incidents.
import type { Store } from "../store/db.ts";
import { plannedIncidents, type PlanTarget } from "./plan.ts";

export const FULL_PASS_MS = 60_000;

/** Every project (but those with nothing open or resolved after `resolvedSince`, when set), or these projects (possibly none). */
export type Scope = { all: true; resolvedSince?: Date } | { all: false; projectIds: string[] };

/** What plan.ts plans for a scope. */
export function planTarget(scope: Scope): PlanTarget {
  return scope.all ? { resolvedSince: scope.resolvedSince } : scope.projectIds;
}

export interface PlanScope {
  /** The scope of the pass at `at`; reads the outbox after its cursor. */
  next(at: Date): Promise<Scope>;
  /**
   * After a pass over `scope` succeeded: each planned project's next due time (plan.ts's `nextDue`) and, for a
   * periodic pass (`resolvedSince`), the projects it planned (plan.ts's `projects`): the others keep theirs.
   */
  planned(scope: Scope, nextDue: Map<string, Date>, projects?: string[]): void;
  /** True when the clock calls for nothing at `at`: no full pass due (first, after a failure, periodic) and no project's next notice. */
  quiet(at: Date): boolean;
}

export function createPlanScope(store: Store, fullPassMs = FULL_PASS_MS): PlanScope {
  let cursor: number | null = null;
  let lastFullAt: number | null = null;
  let lastStamp: string | null = null;
  // The newest Project.updatedAt seen: projects updated after it are planned next pass.
  let projectsSeen: Date | null = null;
  let due = new Map<string, number>();
  // A pass that failed between next() and planned() may have lost its transitions: the next one plans everything.
  let unfinished = false;

  return {
    async next(at) {
      const stamp = await channelsStamp(store);
      const t = at.getTime();
      const wide = unfinished || cursor === null || stamp !== lastStamp || lastFullAt === null || t < lastFullAt;
      const full = wide || t - lastFullAt! >= fullPassMs;
      lastStamp = stamp;
      unfinished = true;
      if (full) {
        const last = await store.incidentTransition.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
        cursor = last?.id ?? 0;
        projectsSeen = (await store.project.aggregate({ _max: { updatedAt: true } }))._max.updatedAt ?? new Date(0);
        // A period's margin before the previous full pass: what resolved around it is planned again.
        const resolvedSince = wide ? undefined : new Date(lastFullAt! - fullPassMs);
        lastFullAt = t;
        return resolvedSince ? { all: true, resolvedSince } : { all: true };
      }
      const moved = await store.incidentTransition.findMany({ where: { id: { gt: cursor! } }, orderBy: { id: "asc" }, select: { id: true, projectId: true } });
      if (moved.length > 0) cursor = moved[moved.length - 1].id;
      const projectIds = new Set(moved.map((m) => m.projectId));
      // Of the projects whose row changed, only those with an incident to plan: a mass status change
      // (10,000 projects turning fresh) is one aggregate and an empty read, not 10,000 rows through Prisma.
      const newest = (await store.project.aggregate({ _max: { updatedAt: true } }))._max.updatedAt;
      if (newest && newest > projectsSeen!) {
        const changed = await store.project.findMany({
          where: { updatedAt: { gt: projectsSeen!, lte: newest }, incidents: { some: plannedIncidents(at) } },
          select: { id: true },
        });
        for (const p of changed) projectIds.add(p.id);
        projectsSeen = newest;
      }
      for (const [projectId, when] of due) if (when <= t) projectIds.add(projectId);
      return { all: false, projectIds: [...projectIds] };
    },
    planned(scope, nextDue, projects = []) {
      unfinished = false;
      // A periodic pass leaves out projects with nothing recent: they keep their due times (a pause's end).
      if (scope.all && !scope.resolvedSince) due = new Map();
      else for (const projectId of scope.all ? projects : scope.projectIds) due.delete(projectId);
      for (const [projectId, when] of nextDue) due.set(projectId, when.getTime());
    },
    quiet(at) {
      const t = at.getTime();
      if (unfinished || cursor === null || lastFullAt === null || t - lastFullAt >= fullPassMs || t < lastFullAt) return false;
      for (const when of due.values()) if (when <= t) return false;
      return true;
    },
  };
}

/** Changes whenever a channel is added, edited or removed (a project's alert emails: its updatedAt, above). */
async function channelsStamp(store: Store): Promise<string> {
  const channels = await store.alertChannel.findMany({ select: { id: true, projectId: true, type: true, target: true }, orderBy: { id: "asc" } });
  return JSON.stringify(channels);
}
