// The list order's facts on PostgreSQL are kept by bucket of project ids (store/postgres/order-reads.ts):
// after each round of changes (statuses, names, projects added and deleted, drills finishing, drill
// incidents opening and resolving, databases added and retired, a stored replica's first heartbeat) the
// kept facts equal a whole read with PG_ORDER_SQL, and only the buckets holding a changed project are read.
import { afterAll, beforeAll, expect, it } from "vitest";
import pg from "pg";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import { openPostgresFastPath, type PostgresFastPath } from "../../src/store/postgres/fast-path.ts";
import { PG_ORDER_SQL } from "../../src/store/postgres/sql.ts";
import type { OrderFacts } from "../../src/store/order-reads.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";

const PROJECTS = 600;
let cluster: PostgresCluster;
let prisma: PostgresStore;
let fast: PostgresFastPath;
let raw: pg.Client;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("order_buckets");
  prisma = await openPostgresStore(url);
  fast = openPostgresFastPath(url, { maxDatabasesPerProject: 4, maxConnections: 4 });
  raw = new pg.Client({ connectionString: url });
  await raw.connect();
  const ids = Array.from({ length: PROJECTS }, (_, i) => i);
  await prisma.project.createMany({
    data: ids.map((i) => ({
      id: `p${i}`,
      name: `project ${i}`,
      status: i % 5 === 0 ? "stale" : "fresh",
      drillSchedule: "0 3 * * 0",
      badgeKey: `b${i}`,
      storagePrefix: `s/${i}`,
      // Every 9th: a stored replica without an agent (drilled on the replica, drills/stored-subject.ts).
      replicaUrl: i % 9 === 0 ? `s3://bucket/p${i}` : null,
      lastHeartbeatAt: i % 9 === 0 ? null : new Date(),
    })),
  });
  await prisma.database.createMany({ data: ids.filter((i) => i % 9 !== 0).map((i) => ({ id: `d${i}`, projectId: `p${i}`, name: "app", path: "/data/app.sqlite3" })) });
  const at = new Date(Date.now() - 3_600_000);
  await prisma.drill.createMany({
    data: ids
      .filter((i) => i % 4 === 0)
      .map((i) => ({ id: `drill${i}`, projectId: `p${i}`, databaseId: i % 9 === 0 ? null : `d${i}`, status: i % 8 === 0 ? "failed" : "passed", startedAt: at, finishedAt: at })),
  });
  await prisma.incident.createMany({ data: ids.filter((i) => i % 13 === 0).map((i) => ({ id: `inc${i}`, projectId: `p${i}`, kind: "drill_overdue", reason: "overdue" })) });
}, 90_000);
afterAll(async () => {
  await raw?.end();
  await fast?.close();
  await prisma?.$disconnect();
  await cluster?.stop();
});

/** Facts as plain sorted rows, without the bucket column. */
function canonical(f: OrderFacts) {
  const by = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    projects: f.projects.map((r) => `${r.id} ${r.name} ${r.status}`).sort(by),
    lastDrills: f.lastDrills.map((r) => `${r.projectId} ${r.status}`).sort(by),
    openDrillIncidents: f.openDrillIncidents.map((r) => `${r.projectId} ${r.kind}`).sort(by),
  };
}

async function wholeRead(): Promise<ReturnType<typeof canonical>> {
  const [projects, lastDrills, incidents] = await Promise.all([raw.query(PG_ORDER_SQL.projects), raw.query(PG_ORDER_SQL.lastDrills), raw.query(PG_ORDER_SQL.openDrillIncidents)]);
  return canonical({ projects: projects.rows, lastDrills: lastDrills.rows, openDrillIncidents: incidents.rows });
}

async function bucketsOf(projectIds: string[]): Promise<Set<number>> {
  const { rows } = await raw.query<{ b: number }>(`SELECT DISTINCT hashtext(id) & 255 AS b FROM unnest($1::text[]) AS id`, [projectIds]);
  return new Set(rows.map((r) => r.b));
}

/** A small deterministic generator (mulberry32): the same rounds every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

it("keeps facts equal to a whole read through rounds of changes, reading only the changed projects' buckets", async () => {
  const reads = fast.order;
  expect(canonical(await reads.facts())).toEqual(await wholeRead());
  const first = reads.bucketsRead;
  expect(first).toBeGreaterThan(200);

  // Nothing changed: nothing read.
  expect(canonical(await reads.facts())).toEqual(await wholeRead());
  expect(reads.bucketsRead).toBe(first);

  // One status: one bucket.
  await prisma.project.update({ where: { id: "p1" }, data: { status: "error" } });
  expect(canonical(await reads.facts())).toEqual(await wholeRead());
  expect(reads.bucketsRead).toBe(first + 1);

  const next = random(18);
  const pick = () => Math.floor(next() * PROJECTS);
  let added = 0;
  for (let round = 0; round < 12; round++) {
    const touched: string[] = [];
    for (let k = 0; k < 3; k++) {
      const i = pick();
      const id = `p${i}`;
      const alive = (await prisma.project.count({ where: { id } })) === 1;
      if (!alive) continue;
      touched.push(id);
      switch (Math.floor(next() * 8)) {
        case 0:
          await prisma.project.update({ where: { id }, data: { status: (["fresh", "stale", "silent", "error"] as const)[Math.floor(next() * 4)] } });
          break;
        case 1:
          await prisma.project.update({ where: { id }, data: { name: `renamed ${i} ${round}` } });
          break;
        case 2: {
          const database = await prisma.database.findFirst({ where: { projectId: id } });
          await prisma.drill.create({ data: { id: `drill-${round}-${k}`, projectId: id, databaseId: database?.id ?? null, status: next() < 0.5 ? "failed" : "passed", startedAt: new Date(), finishedAt: new Date() } });
          break;
        }
        case 3:
          if ((await prisma.incident.updateMany({ where: { projectId: id, resolvedAt: null, kind: { in: ["drill_failed", "drill_overdue"] } }, data: { resolvedAt: new Date() } })).count === 0) {
            await prisma.incident.create({ data: { id: `inc-${round}-${k}`, projectId: id, kind: "drill_failed", reason: "failed" } });
          }
          break;
        case 4:
          await prisma.database.create({ data: { id: `d-${round}-${k}`, projectId: id, name: `extra-${round}-${k}`, path: "/data/extra.sqlite3" } });
          break;
        case 5:
          await prisma.database.deleteMany({ where: { projectId: id } });
          break;
        case 6:
          // A stored replica's first heartbeat: it is no longer drilled on the stored replica.
          await prisma.project.update({ where: { id }, data: { lastHeartbeatAt: new Date(), replicaUrl: `s3://bucket/${id}` } });
          break;
        default:
          if (next() < 0.5) await prisma.project.delete({ where: { id } });
          else {
            const newId = `new${added++}`;
            await prisma.project.create({ data: { id: newId, name: `new project ${newId}`, drillSchedule: "0 3 * * 0", badgeKey: `nb${newId}`, storagePrefix: `ns/${newId}` } });
            touched.push(newId);
          }
      }
    }
    const before = reads.bucketsRead;
    expect(canonical(await reads.facts()), `round ${round}`).toEqual(await wholeRead());
    const read = reads.bucketsRead - before;
    expect(read, `round ${round}: buckets read`).toBeLessThanOrEqual((await bucketsOf(touched)).size);
  }

  // p36: a stored replica drilled without an agent (36 % 9, 36 % 4 are 0); its first heartbeat takes its
  // stored-replica drill out of the facts without touching a Drill row.
  const stored = await prisma.project.findUnique({ where: { id: "p36" } });
  expect(stored?.lastHeartbeatAt).toBeNull();
  expect((await wholeRead()).lastDrills).toContain("p36 passed");
  await prisma.project.update({ where: { id: "p36" }, data: { lastHeartbeatAt: new Date() } });
  expect((await wholeRead()).lastDrills).not.toContain("p36 passed");
  expect(canonical(await reads.facts())).toEqual(await wholeRead());
});
