// The planner reads the incident outbox instead of reloading every open
// incident every tick: a pass plans the projects whose incidents moved or
// whose next notice fell due, every project only on the first pass, when
// recipients change, after a failed pass, and every FULL_PASS_MS.
import { describe, expect, it } from "vitest";
import { nextPlanAt } from "../../src/alerts/decisions.ts";
import { createPlanScope, FULL_PASS_MS, planTarget } from "../../src/alerts/plan-scope.ts";
import { planIncidentDeliveries } from "../../src/alerts/plan.ts";
import { openIncident, resolveIncident } from "../../src/incidents/open-resolve.ts";
import { newId } from "../../src/store/ids.ts";
import type { Store } from "../../src/store/db.ts";
import { seedProject, useTempStores } from "./fixtures.ts";

const stores = useTempStores();

const T0 = new Date("2026-11-29T10:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A planner whose passes plan the projects its scope names; pass(t) tells the scope and how many deliveries it claimed. */
function scopedPlanner(store: Store) {
  const settings = { confirm: 60, reminderHours: 24, operatorEmails: ["ops@example.com"], emailReady: true };
  const scope = createPlanScope(store, FULL_PASS_MS * 10);
  const pass = async (t: Date) => {
    const s = await scope.next(t);
    const result = s.all || s.projectIds.length > 0 ? await planIncidentDeliveries(store, settings, t, planTarget(s)) : null;
    scope.planned(s, result?.nextDue ?? new Map(), result?.projects);
    lastPlanned = result?.projects ?? [];
    return { scope: s.all ? "all" : s.projectIds, claimed: result?.claimed ?? 0 };
  };
  let lastPlanned: string[] = [];
  return { scope, pass, planned: () => [...lastPlanned].sort() };
}

describe("nextPlanAt", () => {
  const timing = { confirmSeconds: 60, reminderHours: 24 };
  it("is the end of the confirmation delay, then the next reminder; null once resolved", () => {
    expect(iso(nextPlanAt({ openedAt: T0, resolvedAt: null }, timing, at(10)))).toBe(iso(at(60)));
    expect(iso(nextPlanAt({ openedAt: T0, resolvedAt: null }, timing, at(60)))).toBe(iso(at(86_400)));
    expect(iso(nextPlanAt({ openedAt: T0, resolvedAt: null }, timing, at(86_400)))).toBe(iso(at(2 * 86_400)));
    expect(nextPlanAt({ openedAt: T0, resolvedAt: at(5) }, timing, at(10))).toBeNull();
  });
});

describe("plan scope", () => {
  it("plans only the projects the outbox or the clock names; everything on recipients' changes, failures and every full-pass period", async () => {
    const { store } = await stores.open();
    const projects = [];
    for (let i = 0; i < 20; i++) projects.push(await seedProject(store, `p${i}`));
    // Nineteen projects with an incident open and announced long ago: nothing to do for a day.
    for (const p of projects.slice(1)) await openIncident(store, { projectId: p.projectId, databaseId: p.databaseId, kind: "error", reason: "stuck" }, at(-3600));
    const { scope, pass } = scopedPlanner(store);

    expect(await pass(at(0))).toEqual({ scope: "all", claimed: 19 });
    expect(await pass(at(2))).toEqual({ scope: [], claimed: 0 });

    // An incident opens in project 0: only project 0 is planned, and again when its confirmation delay ends.
    const p0 = projects[0];
    await openIncident(store, { projectId: p0.projectId, databaseId: p0.databaseId, kind: "stale", reason: "unreplicated" }, at(3));
    expect(await pass(at(4))).toEqual({ scope: [p0.projectId], claimed: 0 });
    expect(await pass(at(6))).toEqual({ scope: [], claimed: 0 });
    expect(await pass(at(63))).toEqual({ scope: [p0.projectId], claimed: 1 });
    await resolveIncident(store, { projectId: p0.projectId, databaseId: p0.databaseId, kind: "stale" }, at(64));
    expect(await pass(at(65))).toEqual({ scope: [p0.projectId], claimed: 1 });

    // A channel added: everything is planned (it hears what is open).
    await store.alertChannel.create({ data: { id: newId(), projectId: null, type: "webhook", target: "http://127.0.0.1:9/hook" } });
    expect(await pass(at(66))).toEqual({ scope: "all", claimed: 19 });
    expect(await pass(at(67))).toEqual({ scope: [], claimed: 0 });

    // A pass that failed after reading the outbox: the next plans everything.
    await scope.next(at(68));
    expect((await pass(at(69))).scope).toBe("all");
    expect((await pass(at(70))).scope).toEqual([]);
    expect((await pass(at(68 + FULL_PASS_MS / 100))).scope).toEqual([]);
    expect((await pass(at(69 + FULL_PASS_MS / 100))).scope).toBe("all");
  });

  it("a project's own change (its alert emails, a status the sweep writes) plans that project alone, not every project", async () => {
    const { store } = await stores.open();
    const projects = [];
    for (let i = 0; i < 5; i++) projects.push(await seedProject(store, `q${i}`));
    for (const p of projects) await openIncident(store, { projectId: p.projectId, databaseId: p.databaseId, kind: "error", reason: "stuck" }, at(-3600));
    const { pass } = scopedPlanner(store);
    expect(await pass(at(0))).toEqual({ scope: "all", claimed: 5 });
    expect(await pass(at(2))).toEqual({ scope: [], claimed: 0 });
    // New alert emails for q2: only q2 is planned, and its new recipients hear the open incident.
    await store.project.update({ where: { id: projects[2].projectId }, data: { alertEmails: "q2-team@example.com" } });
    expect(await pass(at(4))).toEqual({ scope: [projects[2].projectId], claimed: 1 });
    expect(await pass(at(6))).toEqual({ scope: [], claimed: 0 });
  });

  it("projects whose row changed are planned only when they have an incident to plan (a mass status change reads no project without one)", async () => {
    const { store } = await stores.open();
    const projects = [];
    for (let i = 0; i < 30; i++) projects.push(await seedProject(store, `m${i}`));
    const [withOpen, withOld, withRecent] = projects;
    await openIncident(store, { projectId: withOpen.projectId, databaseId: withOpen.databaseId, kind: "error", reason: "stuck" }, at(-3600));
    await openIncident(store, { projectId: withOld.projectId, databaseId: withOld.databaseId, kind: "error", reason: "stuck" }, at(-4 * 86_400));
    await resolveIncident(store, { projectId: withOld.projectId, databaseId: withOld.databaseId, kind: "error" }, at(-3 * 86_400));
    await openIncident(store, { projectId: withRecent.projectId, databaseId: withRecent.databaseId, kind: "error", reason: "stuck" }, at(-7200));
    await resolveIncident(store, { projectId: withRecent.projectId, databaseId: withRecent.databaseId, kind: "error" }, at(-3600));
    const { pass } = scopedPlanner(store);
    expect((await pass(at(0))).scope).toBe("all");
    expect((await pass(at(2))).scope).toEqual([]);
    // Every project's status changes (as a sweep writes it): only the two with an open or recently resolved incident are planned.
    await store.project.updateMany({ data: { status: "fresh" } });
    expect(((await pass(at(4))).scope as string[]).sort()).toEqual([withOpen.projectId, withRecent.projectId].sort());
    expect((await pass(at(6))).scope).toEqual([]);
    // One more change, to a project without incidents: nothing to plan, and the change is not read again.
    await store.project.update({ where: { id: projects[10].projectId }, data: { alertEmails: "m10@example.com" } });
    expect((await pass(at(8))).scope).toEqual([]);
    await store.project.update({ where: { id: withOpen.projectId }, data: { alertEmails: "m0@example.com" } });
    expect((await pass(at(10))).scope).toEqual([withOpen.projectId]);
  });

  it("the periodic full pass plans the projects with an incident open or resolved since the one before; a paused project keeps its due time", async () => {
    // A day of resolved incidents at 10,000 projects was read again every minute: ~1 s of the loop a minute.
    const { store } = await stores.open();
    const [open, old, fresh, paused] = [await seedProject(store, "open"), await seedProject(store, "old"), await seedProject(store, "fresh"), await seedProject(store, "paused")];
    await openIncident(store, { projectId: open.projectId, databaseId: open.databaseId, kind: "error", reason: "stuck" }, at(-3600));
    await openIncident(store, { projectId: old.projectId, databaseId: old.databaseId, kind: "error", reason: "stuck" }, at(-7200));
    await resolveIncident(store, { projectId: old.projectId, databaseId: old.databaseId, kind: "error" }, at(-3600));
    await openIncident(store, { projectId: paused.projectId, databaseId: paused.databaseId, kind: "error", reason: "stuck" }, at(-3600));
    const { pass, planned } = scopedPlanner(store);
    const period = (FULL_PASS_MS * 10) / 1000;

    expect(await pass(at(0))).toEqual({ scope: "all", claimed: 3 });
    expect(planned()).toEqual([open.projectId, old.projectId, paused.projectId].sort());
    // Paused from 10 s to 4 periods on; its incident, announced before, resolves inside the window: held till then.
    await store.project.update({ where: { id: paused.projectId }, data: { pausedAt: at(10), pausedUntil: at(4 * period) } });
    await resolveIncident(store, { projectId: paused.projectId, databaseId: paused.databaseId, kind: "error" }, at(20));
    expect(await pass(at(21))).toEqual({ scope: [paused.projectId], claimed: 0 });
    await openIncident(store, { projectId: fresh.projectId, databaseId: fresh.databaseId, kind: "error", reason: "stuck" }, at(30));
    await resolveIncident(store, { projectId: fresh.projectId, databaseId: fresh.databaseId, kind: "error" }, at(40));
    expect(await pass(at(41))).toEqual({ scope: [fresh.projectId], claimed: 1 });

    // The first periodic pass: a margin of one period before the last full pass; the old project's day-old resolution is left out.
    expect(await pass(at(period + 1))).toEqual({ scope: "all", claimed: 0 });
    expect(planned()).toEqual([open.projectId, fresh.projectId, paused.projectId].sort());
    expect(await pass(at(2 * period + 2))).toEqual({ scope: "all", claimed: 0 });
    expect(await pass(at(3 * period + 3))).toEqual({ scope: "all", claimed: 0 });
    expect(planned()).toEqual([open.projectId]);
    // The window ends: the paused project, left out of that pass, still gets its resolve notice on time.
    expect(await pass(at(4 * period))).toEqual({ scope: [paused.projectId], claimed: 1 });
  });
});
