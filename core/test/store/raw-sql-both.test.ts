// Issue 20 item 1: every raw SQL statement the core runs through Prisma gives the same answer on both stores.
// Each case seeds the same rows through each store's Prisma client (SQLite in a temp dir, PostgreSQL on a
// private cluster), runs the site's function on each, and checks the two answers equal each other and the
// answer the rows call for (so an empty answer on both cannot pass).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { asStore, openPostgresStore } from "../../src/store/postgres-db.ts";
import { dialectOf, numbered } from "../../src/store/dialect.ts";
import { projectDetail, projectSummaries } from "../../src/server/project-view.ts";
import { orderRows } from "../../src/server/project-list.ts";
import { readScrapeRows } from "../../src/metrics/scrape-rows.ts";
import { readHistoryPage } from "../../src/store/history-page.ts";
import { pruneHistoryOverBudget } from "../../src/store/history-budget.ts";
import { claimDeliveries, type DeliveryClaim } from "../../src/alerts/claim.ts";
import { dueOverdueChecks, dueSchedules, writeDeadlines } from "../../src/drills/deadlines.ts";
import { firstDrillCandidates, neverDrilled } from "../../src/drills/first-drill.ts";
import { CLAIM_RETENTION_DAYS, MAX_CLAIMS_PER_PROJECT, capProjectClaims, pruneReplicaClaims, recordUnrecordedClaims } from "../../src/drills/replica-claim-records.ts";
import { newId } from "../../src/store/ids.ts";
import { compactAfterSealing } from "../../src/store/seal-channel-targets.ts";
import { readAlertProbe } from "../../src/alerts/idle-probe.ts";
import { anyDrillWaiting } from "../../src/drills/embedded-queue.ts";
import { createStoreReachability } from "../../src/store/reachability.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";

let cluster: PostgresCluster;
let dir: string;
const stores: Record<"sqlite" | "postgresql", Store> = {} as never;

beforeAll(async () => {
  cluster = await startPostgres();
  stores.postgresql = asStore(await openPostgresStore(await cluster.createDatabase("raw_sql_both")));
  dir = mkdtempSync(path.join(tmpdir(), "borela-raw-both-"));
  stores.sqlite = await openStore(dir);
}, 120_000);

afterAll(async () => {
  await stores.sqlite?.$disconnect();
  await stores.postgresql?.$disconnect();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const store of Object.values(stores)) {
    await store.delivery.deleteMany();
    await store.project.deleteMany();
    await store.setting.deleteMany();
    await store.alertChannel.deleteMany();
  }
});

/** Runs `seed` then `read` on each store; returns both answers (Dates as ISO text, BigInts as numbers). */
async function onBoth<T>(seed: (store: Store) => Promise<unknown>, read: (store: Store) => Promise<T>): Promise<{ sqlite: unknown; postgresql: unknown }> {
  const out: Record<string, unknown> = {};
  for (const [name, store] of Object.entries(stores)) {
    await seed(store);
    out[name] = plain(await read(store));
  }
  return out as { sqlite: unknown; postgresql: unknown };
}

function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)));
}

const T = (minute: number) => new Date(Date.UTC(2026, 10, 29, 12, minute, 0, 123));

async function project(store: Store, id: string, extra: Record<string, unknown> = {}) {
  await store.project.create({ data: { id, name: `name-${id}`, drillSchedule: "0 3 * * 0", badgeKey: `badge-${id}`, storagePrefix: `projects/${id}`, createdAt: T(0), statusSince: T(0), ...extra } });
}

async function database(store: Store, projectId: string, id: string, extra: Record<string, unknown> = {}) {
  await store.database.create({ data: { id, projectId, name: `db-${id}`, path: `/data/${id}.db`, ...extra } });
}

async function drill(store: Store, id: string, projectId: string, databaseId: string | null, status: "passed" | "failed" | "error" | "queued", finishedAt: Date | null, report: string | null = null) {
  await store.drill.create({ data: { id, projectId, databaseId, databaseName: databaseId, status, trigger: "schedule", startedAt: finishedAt, finishedAt, report } });
}

/** Two agent projects (a: databases a1, a2 with drills; b: no drills) and one watched on its stored replica (c). */
async function drilledProjects(store: Store) {
  await project(store, "a", { status: "fresh", lastHeartbeatAt: T(5) });
  await database(store, "a", "a1", { status: "fresh", lastHeartbeatAt: T(5) });
  await database(store, "a", "a2", { status: "stale", lastHeartbeatAt: T(4) });
  await project(store, "b", { status: "fresh", lastHeartbeatAt: T(5) });
  await database(store, "b", "b1");
  await project(store, "c", { status: "fresh", replicaUrl: "file:///backups/c" });
  await drill(store, "d1", "a", "a1", "passed", T(1), JSON.stringify({ restoreSeconds: 1.5, rpoSeconds: 3 }));
  await drill(store, "d2", "a", "a1", "failed", T(2), JSON.stringify({ restoreSeconds: 2, rpoSeconds: 4, error: "integrity" }));
  await drill(store, "d3", "a", "a2", "passed", T(3), "not json {");
  await drill(store, "d4", "a", "a2", "queued", null);
  await drill(store, "d5", "c", null, "passed", T(6));
}

describe("the raw SQL sites", () => {
  // A new $queryRaw/$executeRaw site must be written for both stores and seeded here; this list makes it seen.
  it("are the ones this file covers (plus the lease store's, covered by its contract on both, and the SQLite PRAGMAs of db.ts and core-parts.ts)", () => {
    const src = path.resolve(import.meta.dirname, "../../src");
    const files = (readdirSync(src, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts") && !f.startsWith("generated"))
      .filter((f) => /\$(queryRaw|executeRaw)/.test(readFileSync(path.join(src, f), "utf8")))
      .sort();
    expect(files).toEqual([
      "alerts/claim.ts",
      "alerts/idle-probe.ts",
      "drills/deadlines.ts",
      "drills/embedded-queue.ts",
      "drills/first-drill.ts",
      "drills/replica-claim-records.ts",
      "metrics/scrape-rows.ts",
      "server/drill-facts.ts",
      "server/project-list.ts",
      "store/core-parts.ts",
      "store/db.ts",
      "store/history-budget.ts",
      "store/history-page.ts",
      "store/lease-sqlite.ts",
      "store/lease.ts",
      "store/reachability.ts",
      "store/seal-channel-targets.ts",
    ]);
  });
});

describe("dialectOf and numbered placeholders", () => {
  it("names each store's dialect, inside an interactive transaction too", async () => {
    expect(dialectOf(stores.sqlite)).toBe("sqlite");
    expect(dialectOf(stores.postgresql)).toBe("postgresql");
    expect(await stores.postgresql.$transaction(async (tx) => dialectOf(tx))).toBe("postgresql");
    expect(() => dialectOf({})).toThrow(/neither sqlite nor postgresql/);
  });

  it("numbers ? in order and leaves ? inside quoted literals", () => {
    expect(numbered(`SELECT ? , 'a?''?b', ?::jsonb FROM x WHERE y = ?`)).toBe(`SELECT $1 , 'a?''?b', $2::jsonb FROM x WHERE y = $3`);
  });
});

describe("project views (server/drill-facts.ts newestFinished, server/project-list.ts orderRows)", () => {
  it("give the same newest drills per project and per database, for a page of ids and for all", async () => {
    const got = await onBoth(drilledProjects, async (s) => ({
      page: await projectSummaries(s, T(30), ["a", "c"]),
      all: await projectSummaries(s, T(30)),
    }));
    expect(got.postgresql).toEqual(got.sqlite);
    const page = (got.sqlite as { page: { id: string; lastDrill: { id: string } | null }[] }).page;
    expect(page.map((p) => [p.id, p.lastDrill?.id])).toEqual([
      ["a", "d3"],
      ["c", "d5"],
    ]);
    expect((got.sqlite as { all: unknown[] }).all).toHaveLength(3);
  });

  it("give the same detail of one project (its databases' last drills)", async () => {
    const alert = { smtpConfigured: false, operatorEmails: [], secretKey: Buffer.alloc(32, 7) };
    const got = await onBoth(drilledProjects, (s) => projectDetail(s, "a", alert, T(30)));
    expect(got.postgresql).toEqual(got.sqlite);
    const detail = got.sqlite as { databases: { id: string; lastDrill: { id: string; status: string } | null }[] };
    expect(detail.databases.map((d) => [d.id, d.lastDrill?.id, d.lastDrill?.status])).toEqual([
      ["a1", "d2", "failed"],
      ["a2", "d3", "passed"],
    ]);
  });

  it("give the same order rows", async () => {
    const got = await onBoth(drilledProjects, async (s) => (await orderRows(s)).sort((x, y) => x.id.localeCompare(y.id)));
    expect(got.postgresql).toEqual(got.sqlite);
    expect((got.sqlite as { id: string; drillStatus: string }[]).map((r) => [r.id, r.drillStatus])).toEqual([
      ["a", "failed"],
      ["b", "none"],
      ["c", "passed"],
    ]);
  });
});

describe("metrics scrape (metrics/scrape-rows.ts)", () => {
  it("gives the same project and database rows, report numbers read alike (a report that is not JSON gives nulls)", async () => {
    const seed = async (s: Store) => {
      await drilledProjects(s);
      await s.replica.create({ data: { id: "r1", databaseId: "a1", type: "s3", url: "s3://b/a1", storageBytes: 5_000_000_000n, pendingSince: T(7) } });
      await s.replica.create({ data: { id: "r2", databaseId: "a1", type: "file", url: "file:///r/a1", storageBytes: 7n, pendingSince: T(8) } });
      await s.incident.create({ data: { id: "i1", projectId: "a", kind: "drill_failed", reason: "r" } });
      await s.incident.create({ data: { id: "i2", projectId: "a", kind: "stale", reason: "r", resolvedAt: T(9) } });
    };
    const got = await onBoth(seed, async (s) => {
      const rows = await readScrapeRows(s);
      const time = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
      return {
        projects: rows.projects
          .map((p) => ({ ...p, lastHeartbeatAt: time(p.lastHeartbeatAt), pausedAt: time(p.pausedAt), pausedUntil: time(p.pausedUntil), openIncidents: Number(p.openIncidents) }))
          .sort((x, y) => x.project.localeCompare(y.project)),
        databases: rows.databases
          .map((d) => ({
            ...d,
            lastHeartbeatAt: time(d.lastHeartbeatAt),
            pendingSince: time(d.pendingSince),
            lastDrillAt: time(d.lastDrillAt),
            lastSuccessAt: time(d.lastSuccessAt),
            storageBytes: Number(d.storageBytes),
            restoreSeconds: d.restoreSeconds === null ? null : Number(d.restoreSeconds),
            rpoSeconds: d.rpoSeconds === null ? null : Number(d.rpoSeconds),
          }))
          .sort((x, y) => x.database.localeCompare(y.database)),
      };
    });
    expect(got.postgresql).toEqual(got.sqlite);
    const { projects, databases } = got.sqlite as { projects: { project: string; openIncidents: number }[]; databases: Record<string, unknown>[] };
    expect(projects.map((p) => [p.project, p.openIncidents])).toEqual([
      ["name-a", 1],
      ["name-b", 0],
      ["name-c", 0],
    ]);
    expect(databases[0]).toMatchObject({
      database: "db-a1",
      pendingSince: T(7).toISOString(),
      storageBytes: 5_000_000_007,
      lastDrillStatus: "failed",
      restoreSeconds: 2,
      rpoSeconds: 4,
      lastSuccessAt: T(1).toISOString(),
    });
    expect(databases[1]).toMatchObject({ database: "db-a2", lastDrillStatus: "passed", restoreSeconds: null, rpoSeconds: null });
    expect(databases[2]).toMatchObject({ database: "db-b1", storageBytes: 0, lastDrillStatus: null });
  });
});

describe("heartbeat history (store/history-page.ts, store/history-budget.ts)", () => {
  // 1,000 bytes each; "é" is two bytes in UTF-8, so a store counting characters would differ.
  const seedHistory = async (s: Store) => {
    await project(s, "h");
    await project(s, "small");
    for (let i = 0; i < 6; i++) {
      const payload = i === 5 ? "é".repeat(500) : "x".repeat(1000);
      await s.heartbeat.create({ data: { id: `hb${i}`, projectId: "h", receivedAt: T(i), sentAt: T(i), payload } });
    }
    await s.heartbeat.create({ data: { id: "hs", projectId: "small", receivedAt: T(1), sentAt: T(1), payload: "{}" } });
  };

  it("cuts a page at the same row by payload bytes", async () => {
    const got = await onBoth(seedHistory, async (s) => {
      const page = await readHistoryPage(s, "h", 10, null, 2_500);
      return { ids: page.rows.map((r) => r.id), truncated: page.truncated };
    });
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toEqual({ ids: ["hb5", "hb4"], truncated: true });
  });

  it("prunes the same oldest rows past a budget", async () => {
    const got = await onBoth(seedHistory, async (s) => {
      const result = await pruneHistoryOverBudget(s, { budgetBytes: 3_500 });
      return { result, left: (await s.heartbeat.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((r) => r.id) };
    });
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toEqual({ result: { deleted: 3, more: false }, left: ["hb3", "hb4", "hb5", "hs"] });
  });
});

describe("bulk delivery claim (alerts/claim.ts claimDeliveries)", () => {
  it("creates the same rows in chunks and skips a dedupe key already claimed", async () => {
    const at = T(20);
    const claims: DeliveryClaim[] = Array.from({ length: 150 }, (_, i) => ({
      dedupeKey: `k${String(i).padStart(3, "0")}`,
      event: i % 2 ? "opened" : "resolved",
      incidentId: null,
      channelId: null,
      target: i === 0 ? null : `ops${i}@example.test`,
    }));
    const got = await onBoth(
      (s) => s.delivery.create({ data: { id: "old", event: "opened", dedupeKey: "k007" } }),
      async (s) => {
        const created = await claimDeliveries(s, claims, at);
        const again = await claimDeliveries(s, claims.slice(0, 3), at);
        const rows = await s.delivery.findMany({ where: { id: { not: "old" } }, orderBy: { dedupeKey: "asc" }, select: { dedupeKey: true, event: true, target: true, status: true, createdAt: true, nextAttemptAt: true } });
        return { created, again, rows };
      },
    );
    expect(got.postgresql).toEqual(got.sqlite);
    const { created, again, rows } = got.sqlite as { created: number; again: number; rows: { dedupeKey: string; createdAt: string; status: string; event: string }[] };
    expect([created, again, rows.length]).toEqual([149, 0, 149]);
    expect(rows[0]).toMatchObject({ dedupeKey: "k000", event: "resolved", status: "pending", createdAt: at.toISOString(), nextAttemptAt: at.toISOString() });
  });
});

describe("the alert pass's idle probe (alerts/idle-probe.ts readAlertProbe)", () => {
  it("reads the same key and earliest waiting attempt, and a new delivery or channel changes the key", async () => {
    const got = await onBoth(
      async (s) => {
        await project(s, "p", { updatedAt: T(7) });
        await s.alertChannel.create({ data: { id: "ch1", projectId: "p", type: "webhook", target: "https://hooks.example.test/a", createdAt: T(1) } });
        await s.delivery.create({ data: { id: "d-late", event: "opened", dedupeKey: "k-late", status: "pending", nextAttemptAt: T(30) } });
        await s.delivery.create({ data: { id: "d-soon", event: "opened", dedupeKey: "k-soon", status: "sending", nextAttemptAt: T(25) } });
        await s.delivery.create({ data: { id: "d-sent", event: "opened", dedupeKey: "k-sent", status: "sent", nextAttemptAt: T(2) } });
      },
      async (s) => {
        const first = await readAlertProbe(s, "2026-W48");
        await s.alertChannel.create({ data: { id: "ch2", type: "webhook", target: "https://hooks.example.test/b", createdAt: T(1) } });
        const second = await readAlertProbe(s, "2026-W48");
        return { first, changed: second.key !== first.key, digestChanges: (await readAlertProbe(s, null)).key !== second.key };
      },
    );
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toMatchObject({ first: { nextAttemptMs: T(25).getTime() }, changed: true, digestChanges: true });
  });
});

describe("the embedded drill queue's first look (drills/embedded-queue.ts anyDrillWaiting)", () => {
  it("sees a queued or running drill and nothing else, alike on both stores", async () => {
    const got = await onBoth(
      (s) => drilledProjects(s),
      async (s) => {
        const withQueued = await anyDrillWaiting(s);
        await s.drill.update({ where: { id: "d4" }, data: { status: "running" } });
        const withRunning = await anyDrillWaiting(s);
        await s.drill.update({ where: { id: "d4" }, data: { status: "passed" } });
        return [withQueued, withRunning, await anyDrillWaiting(s)];
      },
    );
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toEqual([true, true, false]);
  });
});

describe("the store probe (store/reachability.ts)", () => {
  it("answers reachable on both stores", async () => {
    for (const store of Object.values(stores)) {
      const reach = createStoreReachability({ store, location: dialectOf(store), log: { info: () => {}, warn: () => {}, error: () => {} } });
      expect(await reach.check()).toEqual({ ok: true });
      reach.stop();
    }
  });
});

describe("drill deadlines (drills/deadlines.ts)", () => {
  const seed = async (s: Store) => {
    await project(s, "due", { nextDrillAt: T(10), drillOverdueAt: T(10) });
    await database(s, "due", "due1");
    await database(s, "due", "due2");
    await project(s, "later", { nextDrillAt: T(40), drillOverdueAt: T(40) });
    await project(s, "stored", { replicaUrl: "s3://b/stored" });
    await drill(s, "p1", "due", "due1", "passed", T(3));
    await drill(s, "p2", "due", "due1", "passed", T(4));
    await drill(s, "f1", "due", "due2", "failed", T(5));
    // The migration's triggers clear the deadlines on a passing drill: set them again after the drills.
    await s.project.update({ where: { id: "due" }, data: { nextDrillAt: T(10), drillOverdueAt: T(10) } });
  };
  const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => a.id.localeCompare(b.id));

  it("read the same due rows (database counts, stored replica counted, last passing drill)", async () => {
    const got = await onBoth(seed, async (s) => ({ schedules: byId(await dueSchedules(s, T(30))), overdue: byId(await dueOverdueChecks(s, T(30))) }));
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toEqual({
      schedules: [
        { id: "due", drillSchedule: "0 3 * * 0", nextDrillAt: T(10).toISOString(), databases: 2 },
        { id: "stored", drillSchedule: "0 3 * * 0", nextDrillAt: null, databases: 1 },
      ],
      overdue: [
        { id: "due", drillSchedule: "0 3 * * 0", drillGraceSeconds: 86400, createdAt: T(0).toISOString(), drillOverdueAt: T(10).toISOString(), databases: 2, lastPassedAt: T(4).toISOString() },
        { id: "stored", drillSchedule: "0 3 * * 0", drillGraceSeconds: 86400, createdAt: T(0).toISOString(), drillOverdueAt: null, databases: 1, lastPassedAt: null },
      ],
    });
  });

  it("write a batch only where the column still holds what was read", async () => {
    const got = await onBoth(seed, async (s) => {
      await writeDeadlines(s, "nextDrillAt", [
        { id: "due", was: T(10), at: T(50) },
        { id: "stored", was: null, at: T(51) },
        // Read before a change (the stored value is T(40)): left alone.
        { id: "later", was: T(39), at: T(52) },
      ]);
      return (await s.project.findMany({ orderBy: { id: "asc" }, select: { id: true, nextDrillAt: true } })).map((p) => [p.id, p.nextDrillAt]);
    });
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toEqual([
      ["due", T(50).toISOString()],
      ["later", T(40).toISOString()],
      ["stored", T(51).toISOString()],
    ]);
  });
});

describe("first drills (drills/first-drill.ts)", () => {
  const seed = async (s: Store) => {
    for (const id of ["n1", "n2", "drilled", "claimed"]) {
      await project(s, id, { status: "fresh" });
      await database(s, id, `${id}-db`);
    }
    await project(s, "nodb", { status: "fresh" });
    await project(s, "stored", { status: "fresh", replicaUrl: "s3://b/stored" });
    await project(s, "stale", { status: "stale" });
    await database(s, "stale", "stale-db");
    await drill(s, "x", "drilled", "drilled-db", "passed", T(1));
    await s.setting.create({ data: { key: "first-drill:claimed", value: "2026-11-29" } });
  };

  it("keep the same never-drilled, unclaimed projects of a list and of all", async () => {
    const got = await onBoth(seed, async (s) => ({
      of: (await neverDrilled(s, ["n1", "drilled", "claimed", "stale", "missing"])).sort(),
      candidates: (await firstDrillCandidates(s)).sort(),
    }));
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toEqual({ of: ["missing", "n1", "stale"], candidates: ["n1", "n2", "stored"] });
  });
});

describe("file replica claims (drills/replica-claim-records.ts)", () => {
  const now = new Date(Date.UTC(2026, 10, 30, 12));
  const day = 86_400_000;
  const ago = (days: number) => new Date(now.getTime() - days * day);
  const seed = async (s: Store) => {
    await project(s, "p");
    await database(s, "p", "p1");
    // Rows made before claims were recorded: recorded at the row's creation; an S3 row is no file claim.
    await s.replica.create({ data: { id: newId(ago(40).getTime()), databaseId: "p1", type: "file", url: "file:///backups/p1", updatedAt: now } });
    await s.replica.create({ data: { id: newId(ago(3).getTime()), databaseId: "p1", type: "file", url: "FILE:///backups/p1-upper/", updatedAt: now } });
    await s.replica.create({ data: { id: "r-s3", databaseId: "p1", type: "s3", url: "s3://bucket/p1", updatedAt: now } });
    const claim = (projectId: string, path: string, dir: string, seenAt: Date, firstAt = ago(90)) => s.replicaClaim.create({ data: { id: newId(), projectId, path, dir, firstAt, seenAt } });
    // Paths no longer reported: one unseen for 31 days (pruned), one for 29 (kept); one that led to a directory a
    // reported path still leads to (live: kept however old).
    await claim("p", "/backups/old", "/backups/old", ago(CLAIM_RETENTION_DAYS + 1));
    await claim("p", "/backups/recent", "/backups/recent", ago(CLAIM_RETENTION_DAYS - 1));
    await claim("p", "/backups/link", "/backups/p1", ago(CLAIM_RETENTION_DAYS + 1));
    // A project past the cap: its one live claim and the newest not live are kept.
    await project(s, "q");
    await database(s, "q", "q1");
    await s.replica.create({ data: { id: "r-q", databaseId: "q1", type: "file", url: "file:///q/live", updatedAt: now } });
    await claim("q", "/q/live", "/q/live", ago(10));
    await s.replicaClaim.createMany({ data: Array.from({ length: MAX_CLAIMS_PER_PROJECT + 20 }, (_, i) => ({ id: newId(), projectId: "q", path: `/q/${i}`, dir: `/q/${i}`, firstAt: ago(5), seenAt: new Date(ago(5).getTime() + i * 1000) })) });
  };

  it("record the same unrecorded file rows at their creation, prune the same claims not live and unseen, cap a project alike", async () => {
    const got = await onBoth(seed, async (s) => {
      const recorded = await recordUnrecordedClaims(s, now);
      const again = await recordUnrecordedClaims(s, now);
      const pruned = await pruneReplicaClaims(s, now);
      const capped = await capProjectClaims(s, "q");
      const rows = (await s.replicaClaim.findMany({ where: { projectId: "p" }, select: { path: true, dir: true, firstAt: true, seenAt: true } })).sort((a, b) => (a.path < b.path ? -1 : 1));
      const q = (await s.replicaClaim.findMany({ where: { projectId: "q" }, select: { path: true } })).map((c) => c.path).sort();
      return { recorded, again, pruned, capped, rows, q };
    });
    expect(got.postgresql).toEqual(got.sqlite);
    const iso = (d: Date) => d.toISOString();
    const newest = Array.from({ length: 64 }, (_, i) => `/q/${MAX_CLAIMS_PER_PROJECT + 20 - 1 - i}`);
    expect(got.sqlite).toEqual({
      recorded: 2,
      again: 0,
      pruned: 1,
      capped: MAX_CLAIMS_PER_PROJECT + 20 - 64,
      rows: [
        { path: "/backups/link", dir: "/backups/p1", firstAt: iso(ago(90)), seenAt: iso(ago(CLAIM_RETENTION_DAYS + 1)) },
        { path: "/backups/p1", dir: "/backups/p1", firstAt: iso(ago(40)), seenAt: iso(now) },
        { path: "/backups/p1-upper", dir: "/backups/p1-upper", firstAt: iso(ago(3)), seenAt: iso(now) },
        { path: "/backups/recent", dir: "/backups/recent", firstAt: iso(ago(90)), seenAt: iso(ago(CLAIM_RETENTION_DAYS - 1)) },
      ],
      q: ["/q/live", ...newest].sort(),
    });
  });

  it("record a stored replica made before claims were recorded as stored, once, when its agent reports the same path", async () => {
    const got = await onBoth(
      async (s) => {
        await project(s, "st", { replicaUrl: "file:///stored/st" });
        await database(s, "st", "st1");
        await s.replica.create({ data: { id: newId(ago(2).getTime()), databaseId: "st1", type: "file", url: "file:///stored/st/", updatedAt: now } });
      },
      async (s) => {
        await recordUnrecordedClaims(s, now);
        return (await s.replicaClaim.findMany({ where: { projectId: "st" }, select: { path: true, dir: true, stored: true } }));
      },
    );
    expect(got.postgresql).toEqual(got.sqlite);
    expect(got.sqlite).toEqual([{ path: "/stored/st", dir: "/stored/st", stored: true }]);
  });
});

describe("compacting after sealing (store/seal-channel-targets.ts compactAfterSealing)", () => {
  it("rewrites the alert channel table on PostgreSQL (a new file) and runs on SQLite", async () => {
    const filenode = async () =>
      Number((await stores.postgresql.$queryRawUnsafe<{ f: number | bigint }[]>(`SELECT pg_relation_filenode('"AlertChannel"') AS f`))[0].f);
    const before = await filenode();
    await compactAfterSealing(stores.postgresql);
    expect(await filenode()).not.toBe(before);
    await expect(compactAfterSealing(stores.sqlite)).resolves.toBeUndefined();
  });
});
