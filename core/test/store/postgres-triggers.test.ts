// Issue 20, foundation: the deadline triggers behave on PostgreSQL as on SQLite. Each case writes the
// same change through each store's Prisma client to a project whose deadlines (sweepAt, nextDrillAt,
// drillOverdueAt) are set, then reads them back: the columns the change's trigger clears are null on
// both stores, the others untouched. A trigger missing from the PostgreSQL migration (or one that
// fires too widely) fails its case.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { openPostgresStore } from "../../src/store/postgres-db.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

type Deadline = "sweepAt" | "nextDrillAt" | "drillOverdueAt";
const DEADLINES: Deadline[] = ["sweepAt", "nextDrillAt", "drillOverdueAt"];
const SET = new Date("2030-01-01T00:00:00.000Z");
const LATER = new Date("2026-11-29T12:00:00.000Z");

interface Case {
  name: string;
  write(db: Store, p: string): Promise<unknown>;
  clears: Deadline[];
}

const project = (data: Record<string, unknown>) => (db: Store, p: string) => db.project.update({ where: { id: p }, data });
const database = (data: Record<string, unknown>) => (db: Store, p: string) => db.database.update({ where: { id: `${p}-d` }, data });
const replica = (data: Record<string, unknown>) => (db: Store, p: string) => db.replica.update({ where: { id: `${p}-r` }, data });
const incident = (id: string, data: Record<string, unknown>) => (db: Store, p: string) => db.incident.update({ where: { id: `${p}-${id}` }, data });
const drill = (id: string, data: Record<string, unknown>) => (db: Store, p: string) => db.drill.update({ where: { id: `${p}-${id}` }, data });

const CASES: Case[] = [
  { name: "a heartbeat's time on the project", write: project({ lastHeartbeatAt: LATER }), clears: ["sweepAt"] },
  { name: "a Litestream ping's time", write: project({ lastPingAt: LATER }), clears: ["sweepAt"] },
  { name: "the heartbeat grace", write: project({ heartbeatGraceSeconds: 60 }), clears: ["sweepAt"] },
  { name: "the stale threshold", write: project({ staleAfterSeconds: 60 }), clears: ["sweepAt"] },
  { name: "the listed replica URL", write: project({ replicaUrl: "s3://b/p" }), clears: ["sweepAt"] },
  { name: "the listing's newest LTX time", write: project({ newestLtxAt: LATER }), clears: ["sweepAt"] },
  { name: "the listing's time", write: project({ listedAt: LATER }), clears: ["sweepAt"] },
  { name: "the listing's error", write: project({ listError: "denied" }), clears: ["sweepAt"] },
  { name: "the project's name only", write: project({ name: `renamed-${Math.random()}` }), clears: [] },
  { name: "the same drill schedule written again", write: project({ drillSchedule: "0 3 * * 0" }), clears: [] },
  { name: "a new drill schedule", write: project({ drillSchedule: "0 4 * * *" }), clears: ["nextDrillAt", "drillOverdueAt"] },
  { name: "the drill grace", write: project({ drillGraceSeconds: 3600 }), clears: ["drillOverdueAt"] },
  { name: "the same drill grace written again", write: project({ drillGraceSeconds: 86400 }), clears: [] },
  { name: "the creation time", write: project({ createdAt: LATER }), clears: ["drillOverdueAt"] },
  { name: "a database inserted", write: (db, p) => db.database.create({ data: { id: `${p}-d2`, projectId: p, name: "other", path: "/o.db" } }), clears: ["sweepAt"] },
  { name: "a database's missed heartbeats", write: database({ missedHeartbeats: 3 }), clears: ["sweepAt"] },
  { name: "a database's errors", write: database({ errors: '["gone"]' }), clears: ["sweepAt"] },
  { name: "a database's notes only", write: database({ notes: '["n"]' }), clears: [] },
  { name: "a database deleted", write: (db, p) => db.database.delete({ where: { id: `${p}-d` } }), clears: ["sweepAt"] },
  { name: "a replica inserted", write: (db, p) => db.replica.create({ data: { id: `${p}-r2`, databaseId: `${p}-d`, type: "file", url: "file:///r2" } }), clears: ["sweepAt"] },
  { name: "a replica's pending change", write: replica({ pendingSince: LATER }), clears: ["sweepAt"] },
  { name: "a replica's last snapshot", write: replica({ lastSnapshotAt: LATER }), clears: ["sweepAt"] },
  { name: "a replica's stored bytes only", write: replica({ storageBytes: 10n }), clears: [] },
  { name: "a replica deleted", write: (db, p) => db.replica.delete({ where: { id: `${p}-r` } }), clears: ["sweepAt"] },
  { name: "a silent incident opened", write: (db, p) => db.incident.create({ data: { id: `${p}-s`, projectId: p, kind: "silent", reason: "r" } }), clears: ["sweepAt"] },
  { name: "a drill_failed incident opened", write: (db, p) => db.incident.create({ data: { id: `${p}-f2`, projectId: p, kind: "drill_failed", reason: "r" } }), clears: [] },
  { name: "a stale incident resolved", write: incident("stale", { resolvedAt: LATER }), clears: ["sweepAt"] },
  { name: "a stale incident cleared", write: incident("stale", { clearedAt: LATER }), clears: ["sweepAt"] },
  { name: "a drill_failed incident resolved", write: incident("df", { resolvedAt: LATER }), clears: [] },
  { name: "a stale incident deleted", write: (db, p) => db.incident.delete({ where: { id: `${p}-stale` } }), clears: ["sweepAt"] },
  { name: "a drill_failed incident deleted", write: (db, p) => db.incident.delete({ where: { id: `${p}-df` } }), clears: [] },
  { name: "a passing drill inserted", write: (db, p) => db.drill.create({ data: { id: `${p}-p2`, projectId: p, status: "passed" } }), clears: ["drillOverdueAt"] },
  { name: "a failing drill inserted", write: (db, p) => db.drill.create({ data: { id: `${p}-f3`, projectId: p, status: "failed" } }), clears: [] },
  { name: "a drill turning passed", write: drill("failed", { status: "passed" }), clears: ["drillOverdueAt"] },
  { name: "a passed drill's finish time", write: drill("passed", { finishedAt: LATER }), clears: ["drillOverdueAt"] },
  { name: "a failed drill's progress only", write: drill("failed", { progress: "restoring" }), clears: [] },
  { name: "a passed drill deleted", write: (db, p) => db.drill.delete({ where: { id: `${p}-passed` } }), clears: ["drillOverdueAt"] },
  { name: "a failed drill deleted", write: (db, p) => db.drill.delete({ where: { id: `${p}-failed` } }), clears: [] },
];

let cluster: PostgresCluster;
let tmp: TmpDir;
let stores: { name: string; db: Store }[];

beforeAll(async () => {
  [cluster, tmp] = await Promise.all([startPostgres(), tmpDir("borela-pg-triggers-")]);
  const postgres = await openPostgresStore(await cluster.createDatabase("triggers"));
  // The two generated clients have the same API; the SQLite one's types stand for both.
  stores = [
    { name: "sqlite", db: await openStore(tmp.path) },
    { name: "postgres", db: postgres as unknown as Store },
  ];
}, 90_000);

afterAll(async () => {
  for (const s of stores ?? []) await s.db.$disconnect();
  await cluster?.stop();
  await tmp?.remove();
});

/** A project with a database, a replica, a stale and a drill_failed incident, a passed and a failed drill; all deadlines SET. */
async function seed(db: Store, p: string): Promise<void> {
  await db.project.create({
    data: {
      id: p,
      name: p,
      drillSchedule: "0 3 * * 0",
      badgeKey: `${p}-badge`,
      storagePrefix: `projects/${p}`,
      databases: { create: { id: `${p}-d`, name: "app", path: "/app.db", replicas: { create: { id: `${p}-r`, type: "file", url: "file:///r" } } } },
      incidents: { create: [{ id: `${p}-stale`, kind: "stale", reason: "r" }, { id: `${p}-df`, kind: "drill_failed", reason: "r" }] },
      drills: { create: [{ id: `${p}-passed`, status: "passed" }, { id: `${p}-failed`, status: "failed" }] },
    },
  });
  await db.project.update({ where: { id: p }, data: { sweepAt: SET, nextDrillAt: SET, drillOverdueAt: SET } });
}

describe("deadline triggers, SQLite and PostgreSQL alike", () => {
  it.each(CASES.map((c, i) => ({ ...c, p: `case${i}` })))("$name clears $clears", async ({ write, clears, p }) => {
    const seen: Record<string, Record<Deadline, Date | null>> = {};
    for (const { name, db } of stores) {
      await seed(db, p);
      const before = await db.project.findUniqueOrThrow({ where: { id: p }, select: { sweepAt: true, nextDrillAt: true, drillOverdueAt: true } });
      expect(before, `${name}: seeded deadlines`).toEqual({ sweepAt: SET, nextDrillAt: SET, drillOverdueAt: SET });
      await write(db, p);
      seen[name] = await db.project.findUniqueOrThrow({ where: { id: p }, select: { sweepAt: true, nextDrillAt: true, drillOverdueAt: true } });
    }
    const expected = Object.fromEntries(DEADLINES.map((d) => [d, clears.includes(d) ? null : SET]));
    expect(seen).toEqual({ sqlite: expected, postgres: expected });
  });
});
