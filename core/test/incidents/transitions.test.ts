// The incident outbox: every opening and every resolve writes one transition
// row, written with it; keeping an open incident or losing a resolve race
// writes none.
import { describe, expect, it } from "vitest";
import { openIncident, resolveDatabaseIncidents, resolveIncident, resolveIncidentById } from "../../src/incidents/open-resolve.ts";
import { seedProject, useTempStores } from "../alerts/fixtures.ts";

const stores = useTempStores();

const T0 = new Date("2026-11-29T10:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe("incident transitions (the outbox)", () => {
  it("one 'opened' per opening, one 'resolved' per resolve, none for a kept or already resolved incident", async () => {
    const { store } = await stores.open();
    const s = await seedProject(store, "outbox");
    const key = { projectId: s.projectId, databaseId: s.databaseId, kind: "stale" as const };
    const first = await openIncident(store, { ...key, reason: "unreplicated for 61s" }, at(0));
    const again = await openIncident(store, { ...key, reason: "unreplicated for 90s" }, at(30));
    expect([first.opened, again.opened]).toEqual([true, false]);
    expect(await resolveIncident(store, key, at(40))).toBe(1);
    expect(await resolveIncident(store, key, at(50))).toBe(0);
    expect(await resolveIncidentById(store, s.projectId, first.incident.id, at(60))).toBe(0);

    const rows = await store.incidentTransition.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.incidentId, r.projectId, r.event, r.at.toISOString()])).toEqual([
      [first.incident.id, s.projectId, "opened", at(0).toISOString()],
      [first.incident.id, s.projectId, "resolved", at(40).toISOString()],
    ]);
    const incident = await store.incident.findUniqueOrThrow({ where: { id: first.incident.id } });
    expect([incident.reason, incident.resolvedAt?.toISOString()]).toEqual(["unreplicated for 90s", at(40).toISOString()]);
  });

  it("retiring a database resolves each of its open incidents with its transition, in one store transaction", async () => {
    const { store } = await stores.open();
    const s = await seedProject(store, "retired");
    await openIncident(store, { projectId: s.projectId, databaseId: s.databaseId, kind: "stale", reason: "r1" }, at(0));
    await openIncident(store, { projectId: s.projectId, databaseId: s.databaseId, kind: "error", reason: "r2" }, at(1));
    await openIncident(store, { projectId: s.projectId, kind: "silent", reason: "r3" }, at(2));
    expect(await store.$transaction((tx) => resolveDatabaseIncidents(tx, s.projectId, s.databaseId, at(10)))).toBe(2);
    const resolved = await store.incidentTransition.findMany({ where: { event: "resolved" } });
    expect(resolved.map((r) => r.at.toISOString())).toEqual([at(10).toISOString(), at(10).toISOString()]);
    expect(await store.incident.count({ where: { resolvedAt: null } })).toBe(1);
  });
});
