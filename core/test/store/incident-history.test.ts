// One project's resolved incidents are kept up to KEPT_RESOLVED_INCIDENTS (store/incident-history.ts): a
// tester's single agent token flipping 32 databases in and out of error stored 4,383 incidents and 4,959
// deliveries (51 MB) in 90 s, and nothing ever deleted them. On SQLite and on PostgreSQL (the same Prisma
// code): the newest kept, older ones deleted with their deliveries and transitions; never an open
// incident, one with a pending delivery, or one resolved within SETTLED_AFTER_MS; other projects untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { openPostgresStore } from "../../src/store/postgres-db.ts";
import { pruneIncidentHistory, SETTLED_AFTER_MS } from "../../src/store/incident-history.ts";
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

/** Incident `id` of `projectId`, resolved `resolvedMinutesAgo` minutes before NOW (null: open), with a transition and one delivery of `status`. */
async function incident(store: Store, projectId: string, id: string, resolvedMinutesAgo: number | null, status: "sent" | "pending" = "sent") {
  const resolvedAt = resolvedMinutesAgo === null ? null : minutesAgo(resolvedMinutesAgo);
  await store.incident.create({ data: { id, projectId, kind: "error", reason: `reason of ${id}`, openedAt: minutesAgo((resolvedMinutesAgo ?? 0) + 1), resolvedAt } });
  await store.incidentTransition.create({ data: { incidentId: id, projectId, event: "opened", at: minutesAgo((resolvedMinutesAgo ?? 0) + 1) } });
  await store.delivery.create({ data: { id: `d-${id}`, incidentId: id, event: "opened", dedupeKey: `k-${id}`, status, nextAttemptAt: NOW } });
}

describe.each(["sqlite", "postgres"])("resolved incidents past the count kept, on %s", (name) => {
  const store = () => stores.find((s) => s.name === name)!.store;

  it("keeps the newest and the unsettled, deletes the rest with their deliveries and transitions, and no other project's", async () => {
    const s = store();
    for (const p of ["flood", "calm"]) await s.project.create({ data: { id: p, name: p, drillSchedule: "0 3 * * 0", badgeKey: `b-${p}`, storagePrefix: `p/${p}` } });
    // 60 settled incidents resolved 11..70 minutes ago (i0 the newest), then the ones never pruned.
    for (let i = 0; i < 60; i++) await incident(s, "flood", `i${i}`, 11 + i);
    await incident(s, "flood", "open", null, "pending");
    await incident(s, "flood", "pending-delivery", 500, "pending");
    await incident(s, "flood", "just-resolved", SETTLED_AFTER_MS / 60_000 - 1);
    for (let i = 0; i < 5; i++) await incident(s, "calm", `c${i}`, 100 + i);

    const first = await pruneIncidentHistory(s, NOW, { keep: KEEP, maxRows: 20 });
    expect(first).toEqual({ deleted: 20, more: true });
    const second = await pruneIncidentHistory(s, NOW, { keep: KEEP });
    expect(second).toEqual({ deleted: 10, more: false });
    expect(await pruneIncidentHistory(s, NOW, { keep: KEEP })).toEqual({ deleted: 0, more: false });

    const left = (await s.incident.findMany({ where: { projectId: "flood" }, select: { id: true } })).map((r) => r.id).sort();
    const expected = [...Array.from({ length: KEEP }, (_v, i) => `i${i}`), "just-resolved", "open", "pending-delivery"].sort();
    expect(left).toEqual(expected);
    expect(await s.incident.count({ where: { projectId: "calm" } })).toBe(5);
    // The deleted incidents' rows went with them; every kept one still has its own.
    expect(await s.delivery.count()).toBe(expected.length + 5);
    expect(await s.incidentTransition.count()).toBe(expected.length + 5);
    expect(await s.delivery.count({ where: { incidentId: "i30" } })).toBe(0);
  }, 60_000);
});
