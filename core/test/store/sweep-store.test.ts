// Issue 20: the freshness sweep's store on SQLite (sqlite-sweep-store.ts over the fast path) and on
// PostgreSQL (postgres/sweep-store.ts over a pg pool) is one contract. Each store gets the same rows
// through its own Prisma client; then batches with the real decisions (freshness/sweep-decision.ts),
// direct incident actions and status writes, due() and the sweep mark run on each, and the rows read
// back through Prisma must be equal (new incidents' random ids aside). A silent project opens exactly
// one incident, a recovered one resolves it, and the deadline triggers clear sweepAt alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, openStore, type Store } from "../../src/store/db.ts";
import { openPostgresStore } from "../../src/store/postgres-db.ts";
import { openFastPath, type FastPath } from "../../src/store/fast-path.ts";
import { openPool } from "../../src/store/postgres/pool.ts";
import { sqliteSweepStore } from "../../src/store/sqlite-sweep-store.ts";
import { postgresSweepStore } from "../../src/store/postgres/sweep-store.ts";
import { PostgresAgentAuth } from "../../src/store/postgres/agent-auth.ts";
import type { AgentAuthPart } from "../../src/store/fast-path-types.ts";
import type { AsyncSweepStore, SweepInput } from "../../src/store/sweep-store.ts";
import { decideSweep } from "../../src/freshness/sweep-decision.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { at, rows, seedProject, T0 } from "../support/sweep-rows.ts";
import type pg from "pg";
import Sqlite from "better-sqlite3";

const noHold = () => 0;
const decide = (now: Date) => (input: SweepInput) => decideSweep(input, now, noHold, null);

interface Side {
  name: "sqlite" | "postgres";
  db: Store;
  store: AsyncSweepStore;
  /** A second core's store on the same database. */
  peer: AsyncSweepStore;
  /** The agent auth of the first core (its rejections are stored for every core). */
  auth: AgentAuthPart;
}

let cluster: PostgresCluster;
let tmp: TmpDir;
let fast: FastPath[] = [];
let pools: pg.Pool[] = [];
let sides: Side[];

beforeAll(async () => {
  [cluster, tmp] = await Promise.all([startPostgres(), tmpDir("borela-sweep-store-")]);
  const url = await cluster.createDatabase("sweep");
  const pgDb = await openPostgresStore(url);
  const sqliteDb = await openStore(tmp.path);
  fast = [0, 1].map(() => openFastPath(databaseFile(tmp.path), { maxDatabasesPerProject: 4 }));
  pools = [0, 1].map(() => openPool(url, 4));
  const pgAuth = new PostgresAgentAuth(pools[0]);
  sides = [
    { name: "sqlite", db: sqliteDb, store: sqliteSweepStore(fast[0].sweep), peer: sqliteSweepStore(fast[1].sweep), auth: fast[0].auth },
    // The two generated clients have the same API; the SQLite one's types stand for both.
    { name: "postgres", db: pgDb as unknown as Store, store: postgresSweepStore(pools[0]), peer: postgresSweepStore(pools[1]), auth: pgAuth },
  ];
}, 90_000);

afterAll(async () => {
  for (const f of fast) f.close();
  for (const p of pools) await p.end();
  for (const s of sides ?? []) await s.db.$disconnect();
  await cluster?.stop();
  await tmp?.remove();
});

/** The input with only SweepInput's declared fields (SQLite's read also spreads its raw project row). */
function declared(input: SweepInput | null): SweepInput | null {
  if (!input) return null;
  const { id, status, statusReasons, staleAfterSeconds, heartbeatGraceSeconds, lastHeartbeatAt, lastPingAt, listing, rejectedToken, retired } = input.project;
  return { ...input, project: { id, status, statusReasons, staleAfterSeconds, heartbeatGraceSeconds, lastHeartbeatAt, lastPingAt, listing, rejectedToken, retired } };
}

/** Runs `fn` on each store and expects the same answer from both; returns it. */
async function same<T>(what: string, fn: (side: Side) => Promise<T>): Promise<T> {
  const seen: Record<string, T> = {};
  for (const side of sides) seen[side.name] = await fn(side);
  expect(seen.postgres, what).toEqual(seen.sqlite);
  return seen.sqlite;
}

describe("the sweep's store, SQLite and PostgreSQL alike", () => {
  it("a silent project opens one incident, a recovered one resolves it; statuses, deadlines and due() agree", async () => {
    const ids = ["silent1", "recovered1", "quiet1"];
    const read = await same("inputs as read", async ({ db, store }) => {
      await seedProject(db, "silent1", at(-600));
      await seedProject(db, "recovered1", at(-5), { openSilentAt: at(-900) });
      await seedProject(db, "quiet1", at(-10));
      await db.project.update({ where: { id: "quiet1" }, data: { sweepAt: at(3600) } });
      return Promise.all([...ids, "nope"].map(async (id) => declared(await store.reads.read(id))));
    });
    expect(read[3]).toBeNull();
    expect(read[0]!.databases.map((d) => d.name)).toEqual(["B-logs", "app"]);
    expect(read[1]!.openIncidents).toEqual([{ id: "recovered1-silent", databaseId: null, kind: "silent", reason: "no heartbeat", clearedAt: null }]);
    expect(read[0]!.databases[1].replicas[0]).toMatchObject({ url: "file:///backups/app", hasPosition: true, position: { generation: "g1", index: 3, offset: 4096 } });

    // New projects' deadlines are cleared (NULL): due first; quiet1's lies ahead.
    expect(await same("due before", async ({ store }) => (await store.reads.due(T0)).sort())).toEqual(["recovered1", "silent1"]);

    const results = await same("batch results", async ({ store }) => [...(await store.batch(["silent1", "recovered1", "quiet1", "nope"], T0, decide(T0)))]);
    expect(new Map(results).get("silent1")).toEqual({ status: "silent", previous: "unknown" });
    expect(results.map(([id]) => id)).toEqual(["silent1", "recovered1", "quiet1"]);

    const after = await same("rows after the batch", ({ db }) => rows(db, ids));
    expect(after.incidents.filter((i) => i.projectId === "silent1")).toMatchObject([{ id: "new:silent1:silent:null", kind: "silent", openedAt: T0, resolvedAt: null }]);
    expect(after.incidents.find((i) => i.id === "recovered1-silent")).toMatchObject({ resolvedAt: T0 });
    expect(after.transitions.filter((t) => t.event === "opened" && t.projectId === "silent1")).toHaveLength(1);
    expect(after.transitions.filter((t) => t.incident === "recovered1-silent").map((t) => t.event).sort()).toEqual(["opened", "resolved"]);
    // Every project swept has a deadline again, after its own incident writes cleared it.
    for (const p of after.projects) expect(p.sweepAt, p.id).not.toBeNull();
    expect(after.projects.find((p) => p.id === "silent1")).toMatchObject({ status: "silent", statusSince: T0, updatedAt: T0 });
    expect(await same("due after", ({ store }) => store.reads.due(at(1)))).toEqual([]);

    // Swept again a second later: nothing new opens, nothing changes but deadlines.
    await same("second batch", async ({ store }) => [...(await store.batch(ids, at(1), decide(at(1))))]);
    const again = await same("rows after the second batch", ({ db }) => rows(db, ids));
    expect(again.incidents).toEqual(after.incidents);
    expect(again.transitions).toEqual(after.transitions);

    // The triggers move the deadline alike: a heartbeat's time clears it, the project is due at once.
    await same("heartbeat clears the deadline", async ({ db, store }) => {
      await db.project.update({ where: { id: "silent1" }, data: { lastHeartbeatAt: at(2) } });
      return (await store.reads.due(at(2))).sort();
    });
  });

  it("incident actions: open, reword, clear, come back, resolve once; a lost resolve writes nothing", async () => {
    const p = "actions1";
    await same("incident rows", async ({ db, store }) => {
      await seedProject(db, p, at(-5));
      const key = { databaseId: `${p}-app`, kind: "stale" as const };
      await store.incidents.apply(p, [{ type: "open", key, reason: "pending 10 min" }], T0);
      const [open] = (await store.reads.read(p))!.openIncidents;
      await store.incidents.apply(p, [{ type: "update", id: open.id, reason: "pending 12 min", clearedAt: at(5) }], at(5));
      const cleared = (await store.reads.read(p))!.openIncidents[0];
      expect(cleared).toMatchObject({ reason: "pending 12 min", clearedAt: at(5) });
      await store.incidents.apply(p, [{ type: "update", id: open.id, clearedAt: null }], at(6));
      await store.incidents.apply(p, [{ type: "update", id: open.id, clearedAt: at(7) }], at(7));
      await store.incidents.apply(p, [{ type: "resolve", id: open.id, at: at(7) }], at(9));
      // Another core resolving the same incident later: no second time, no second transition.
      await store.incidents.apply(p, [{ type: "resolve", id: open.id, at: at(20) }], at(20));
      expect((await store.reads.read(p))!.openIncidents).toEqual([]);
      return rows(db, [p]);
    }).then((r) => {
      expect(r.incidents).toMatchObject([{ kind: "stale", reason: "pending 12 min", openedAt: T0, clearedAt: at(7), resolvedAt: at(7) }]);
      expect(r.transitions.map((t) => [t.event, t.at])).toEqual([["opened", T0], ["resolved", at(7)]]);
      // The incident writes cleared the deadline (triggers), on both stores.
      expect(r.projects[0].sweepAt).toBeNull();
    });
  });

  it("status and deadline writes, read back alike", async () => {
    const p = "writes1";
    const r = await same("written rows", async ({ db, store }) => {
      await seedProject(db, p, at(-5));
      await store.writes.projectStatus(p, "stale", '["a replica is behind"]', at(3), at(3));
      await store.writes.projectStatus(p, "stale", '["two replicas are behind"]', null, at(4));
      await store.writes.databaseStatus(`${p}-app`, "error", '["file missing"]');
      await store.writes.deadline(p, at(600));
      const dueThen = await store.reads.due(at(600));
      // Cleared deadlines first (in no particular order among themselves), then by deadline.
      expect(dueThen.at(-1)).toBe(p);
      await store.writes.deadline(p, null);
      return { rows: await rows(db, [p]), dueThen: dueThen.sort(), dueNow: (await store.reads.due(T0)).sort() };
    });
    expect(r.rows.projects).toEqual([{ id: p, status: "stale", statusReasons: '["two replicas are behind"]', statusSince: at(3), updatedAt: at(4), sweepAt: null }]);
    expect(r.rows.databases.find((d) => d.id === `${p}-app`)).toEqual({ id: `${p}-app`, status: "error", statusReasons: '["file missing"]' });
    expect(r.dueThen).toContain(p);
    expect(r.dueNow).toContain(p);
  });

  it("two cores sweeping the same silent projects at once open one incident each", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `race${i}`);
    const r = await same("raced rows", async ({ db, store, peer }) => {
      for (const id of ids) await seedProject(db, id, at(-600));
      // Opposite orders: the store locks in one order, so neither waits on the other forever.
      await Promise.all([store.batch(ids, T0, decide(T0)), peer.batch([...ids].reverse(), T0, decide(T0))]);
      return rows(db, ids);
    });
    expect(r.incidents).toHaveLength(ids.length);
    expect(r.transitions.filter((t) => t.event === "opened")).toHaveLength(ids.length);
  });

  // Issue 20: the rejection was this core's memory, so a peer core's sweep worded the silence without it.
  it("a revoked token's rejection seen by one core's agent auth is stored: the peer core reads it with the project and lists it by rejectedSince", async () => {
    const p = "revoked1";
    const hash = "ab".repeat(32);
    const r = await same("rejection", async ({ db, peer, auth }) => {
      await seedProject(db, p, at(-5));
      await db.agentToken.create({ data: { id: `${p}-t`, projectId: p, hash, hint: "ab", revokedAt: at(-60) } });
      const before = { since: await peer.reads.rejectedSince(at(-1)), token: (await peer.reads.read(p))!.project.rejectedToken };
      expect(await auth.authenticate(hash, T0)).toEqual({ ok: false, reason: "revoked", projectId: p, tokenId: `${p}-t` });
      // PostgreSQL writes rejectedAt beside the answer: wait for it, bounded.
      await waitFor(async () => (await peer.reads.rejectedSince(at(-1))).includes(p), { timeoutMs: 5_000, what: "rejectedAt stored" });
      return { before, since: await peer.reads.rejectedSince(at(-1)), later: await peer.reads.rejectedSince(at(1)), token: (await peer.reads.read(p))!.project.rejectedToken };
    });
    expect(r).toEqual({ before: { since: [], token: null }, since: [p], later: [], token: { at: T0, reason: "revoked" } });
  });

  it("a batch whose decision throws rejects and stores nothing of the batch", async () => {
    const ids = ["atomic1", "atomic2"];
    await same("rows kept", async ({ db, store }) => {
      for (const id of ids) await seedProject(db, id, at(-600));
      const before = await rows(db, ids);
      const failing = store.batch(ids, T0, (input) => {
        if (input.project.id === "atomic2") throw new Error("no verdict");
        return decideSweep(input, T0, noHold, null);
      });
      await expect(failing).rejects.toThrow("no verdict");
      expect(await rows(db, ids)).toEqual(before);
      return before;
    });
  });

  it("a PostgreSQL batch of 25 silent projects is one transaction of a few statements, whatever its size", async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `many${i}`);
    const side = sides.find((s) => s.name === "postgres")!;
    for (const id of ids) await seedProject(side.db, id, at(-600));
    const statements: string[] = [];
    const patched: [pg.PoolClient, pg.PoolClient["query"]][] = [];
    const count = (client: pg.PoolClient) => {
      const query = client.query;
      patched.push([client, query]);
      client.query = ((text: string, ...rest: unknown[]) => {
        statements.push(text.trim().split(/\s+/).slice(0, 3).join(" "));
        return (query as (...args: unknown[]) => unknown).call(client, text, ...rest);
      }) as pg.PoolClient["query"];
    };
    pools[0].on("acquire", count);
    try {
      await side.store.batch(ids, T0, decide(T0));
    } finally {
      pools[0].off("acquire", count);
      for (const [client, query] of patched) client.query = query;
    }
    // BEGIN, lock, read, open incidents, project statuses, database statuses, deadlines, COMMIT.
    expect(statements).toHaveLength(8);
    expect(statements[0]).toBe("BEGIN");
    expect(statements.at(-1)).toBe("COMMIT");
    expect((await rows(side.db, ids)).incidents.filter((i) => i.kind === "silent")).toHaveLength(25);
  });

  it("the sweep mark: a peer's later sweep is read, an earlier one never moves it back", async () => {
    const r = await same("marks", async ({ db, store, peer }) => {
      const none = await store.mark.latest();
      await store.mark.record(new Date("2026-03-01T10:00:00.000Z"));
      const first = await peer.mark.latest();
      await peer.mark.record(new Date("2026-03-01T10:00:15.000Z"));
      await store.mark.record(new Date("2026-03-01T10:00:05.000Z"));
      return { none, first, latest: await store.mark.latest(), row: await db.setting.findUnique({ where: { key: "sweep:last-completed" } }) };
    });
    expect(r).toEqual({
      none: null,
      first: new Date("2026-03-01T10:00:00.000Z"),
      latest: new Date("2026-03-01T10:00:15.000Z"),
      row: { key: "sweep:last-completed", value: "2026-03-01T10:00:15.000+00:00" },
    });
  });

  it("the regained sight: the latest `since` any core stored is read with its blindFrom; an earlier one never moves it back", async () => {
    const t = (s: string) => new Date(`2026-03-01T10:00:${s}.000Z`);
    const r = await same("sights", async ({ db, store, peer }) => {
      const none = await store.sight.latest();
      await store.sight.record({ blindFrom: t("00"), since: t("20") });
      const first = await peer.sight.latest();
      await peer.sight.record({ blindFrom: t("01"), since: t("21") });
      await store.sight.record({ blindFrom: null, since: t("05") });
      return { none, first, latest: await store.sight.latest(), row: await db.setting.findUnique({ where: { key: "sweep:watching-since" } }) };
    });
    expect(r).toEqual({
      none: null,
      first: { blindFrom: t("00"), since: t("20") },
      latest: { blindFrom: t("01"), since: t("21") },
      row: { key: "sweep:watching-since", value: "2026-03-01T10:00:21.000+00:00 2026-03-01T10:00:01.000+00:00" },
    });
  });

  it("SQLite: a regained sight is stored once another connection's write lock is released, not refused as an outage", async () => {
    const holder = new Sqlite(databaseFile(tmp.path));
    holder.pragma("busy_timeout = 0");
    holder.exec("BEGIN IMMEDIATE");
    const release = setTimeout(() => holder.exec("COMMIT"), 150);
    try {
      const since = new Date("2026-03-01T10:01:00.000Z");
      const began = Date.now();
      await sides[0].store.sight.record({ blindFrom: null, since });
      expect(Date.now() - began).toBeGreaterThanOrEqual(100);
      expect(await sides[0].peer.sight.latest()).toEqual({ blindFrom: null, since });
    } finally {
      clearTimeout(release);
      if (holder.inTransaction) holder.exec("ROLLBACK");
      holder.close();
    }
  });
});
