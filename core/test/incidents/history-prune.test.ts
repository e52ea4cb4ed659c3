// One project's resolved incidents are kept up to KEPT_RESOLVED_INCIDENTS (incidents/history-prune.ts): a
// tester's single agent token flipping 32 databases in and out of error stored 4,383 incidents and 4,959
// deliveries (51 MB) in 90 s, and nothing ever deleted them. On SQLite and on PostgreSQL (the same Prisma
// code): the newest kept, older ones deleted with their deliveries and transitions; never an open
// incident, one with a delivery pending or sending, one announced whose resolution is not written yet, one
// resolved within SETTLED_AFTER_MS, or one of a paused project; other projects untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { openPostgresStore } from "../../src/store/postgres-db.ts";
import { pruneIncidentHistory, SETTLED_AFTER_MS } from "../../src/incidents/history-prune.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const NOW = new Date("2026-11-29T12:00:00Z");
const KEEP = 30;

let cluster: PostgresCluster;
let tmp: TmpDir;
const stores: { name: string; store: Store }[] = [];

beforeAll(async () => {
  [cluster, tmp] = await Promise.all([startPostgres(), tmpDir("borela-incident-history-")]);
  const pg = await openPostgresStore(await cluster.createDatabase("incident_history"));
  stores.push({ name: "sqlite", store: await openStore(tmp.path) }, { name: "postgres", store: pg as unknown as Store });
}, 90_000);

afterAll(async () => {
  for (const { store } of stores) await store.$disconnect();
  await cluster?.stop();
  await tmp?.remove();
});

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

/**
 * Incident `id` of `projectId`, resolved `resolvedMinutesAgo` minutes before NOW (null: open), with a transition and
 * its deliveries: by default an opening and a resolution, both sent.
 */
async function incident(store: Store, projectId: string, id: string, resolvedMinutesAgo: number | null, deliveries: { event: "opened" | "resolved"; status: "sent" | "pending" | "sending" }[] = [{ event: "opened", status: "sent" }, { event: "resolved", status: "sent" }]) {
  const resolvedAt = resolvedMinutesAgo === null ? null : minutesAgo(resolvedMinutesAgo);
  await store.incident.create({ data: { id, projectId, kind: "error", reason: `reason of ${id}`, openedAt: minutesAgo((resolvedMinutesAgo ?? 0) + 1), resolvedAt } });
  await store.incidentTransition.create({ data: { incidentId: id, projectId, event: "opened", at: minutesAgo((resolvedMinutesAgo ?? 0) + 1) } });
  for (const d of deliveries) await store.delivery.create({ data: { id: `d-${d.event}-${id}`, incidentId: id, event: d.event, dedupeKey: `k-${d.event}-${id}`, status: d.status, nextAttemptAt: NOW } });
}

describe.each(["sqlite", "postgres"])("resolved incidents past the count kept, on %s", (name) => {
  const store = () => stores.find((s) => s.name === name)!.store;

  it("keeps the newest and the unsettled, deletes the rest with their deliveries and transitions, and no other project's", async () => {
    const s = store();
    for (const p of ["flood", "calm", "paused"]) await s.project.create({ data: { id: p, name: p, drillSchedule: "0 3 * * 0", badgeKey: `b-${p}`, storagePrefix: `p/${p}` } });
    await s.project.update({ where: { id: "paused" }, data: { pausedUntil: new Date(NOW.getTime() + 3_600_000) } });
    // 60 settled incidents resolved 11..70 minutes ago (i0 the newest), then the ones never pruned.
    for (let i = 0; i < 60; i++) await incident(s, "flood", `i${i}`, 11 + i);
    await incident(s, "flood", "open", null, [{ event: "opened", status: "pending" }]);
    await incident(s, "flood", "pending-delivery", 500, [{ event: "opened", status: "sent" }, { event: "resolved", status: "pending" }]);
    await incident(s, "flood", "sending-delivery", 500, [{ event: "opened", status: "sent" }, { event: "resolved", status: "sending" }]);
    // Announced, its resolution not written yet (held by a pause that just ended, say): a pager's close is owed.
    await incident(s, "flood", "owed-close", 500, [{ event: "opened", status: "sent" }]);
    await incident(s, "flood", "just-resolved", SETTLED_AFTER_MS / 60_000 - 1);
    // Never announced (resolved within its confirmation delay): nothing owed.
    for (let i = 60; i < 62; i++) await incident(s, "flood", `i${i}`, 11 + i, []);
    for (let i = 0; i < 5; i++) await incident(s, "calm", `c${i}`, 100 + i);
    for (let i = 0; i < 40; i++) await incident(s, "paused", `p${i}`, 100 + i, []);

    const first = await pruneIncidentHistory(s, NOW, { keep: KEEP, maxRows: 20 });
    expect(first).toEqual({ deleted: 20, more: true });
    const second = await pruneIncidentHistory(s, NOW, { keep: KEEP });
    // The newest 30 resolved stay: just-resolved and i0..i28; of the older ones, the settled go.
    expect(second).toEqual({ deleted: 13, more: false });
    expect(await pruneIncidentHistory(s, NOW, { keep: KEEP })).toEqual({ deleted: 0, more: false });

    const left = (await s.incident.findMany({ where: { projectId: "flood" }, select: { id: true } })).map((r) => r.id).sort();
    const expected = [...Array.from({ length: KEEP - 1 }, (_v, i) => `i${i}`), "just-resolved", "open", "owed-close", "pending-delivery", "sending-delivery"].sort();
    expect(left).toEqual(expected);
    expect(await s.incident.count({ where: { projectId: "calm" } })).toBe(5);
    expect(await s.incident.count({ where: { projectId: "paused" } })).toBe(40);
    // The deleted incidents' rows went with them; every kept one still has its own.
    expect(await s.incidentTransition.count()).toBe(expected.length + 5 + 40);
    expect(await s.delivery.count({ where: { incidentId: { in: ["i29", "i59", "i61"] } } })).toBe(0);
    expect(await s.delivery.count({ where: { incidentId: { in: expected } } })).toBe((KEEP - 1) * 2 + 2 + 1 + 2 + 2 + 1);
    // The cascade finds an incident's deliveries by index (a tester: 25,000 incidents pruned without one stalled a core 25 s).
    const indexes =
      name === "sqlite"
        ? await s.$queryRawUnsafe<{ sql: string }[]>(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Delivery' AND sql IS NOT NULL`)
        : await s.$queryRawUnsafe<{ sql: string }[]>(`SELECT indexdef AS sql FROM pg_indexes WHERE tablename = 'Delivery'`);
    expect(indexes.map((i) => i.sql).some((sql) => /\("incidentId"\)/.test(sql))).toBe(true);
  }, 60_000);
});
