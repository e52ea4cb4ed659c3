// Issue 20 (the PostgreSQL control plane's heartbeat p99): every statement of a transaction that waits for
// the previous one's answer is a round trip through a busy event loop, with the transaction's row locks held
// ("idle in transaction") in between. The pool pipelines (store/postgres/pool.ts): a steady heartbeat commits
// in 3 round trips (was 9: BEGIN, 7 statements, COMMIT) and a sweep batch in 2 when no incident changes,
// 3 when it opens incidents (was 8); the tokens' lastUsedAt writes of a second share one UPDATE (was one per
// lookup). Counted by a relay between the pool and the server (support/round-trips.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import type { Store } from "../../src/store/db.ts";
import { openPostgresFastPath, type PostgresFastPath } from "../../src/store/postgres/fast-path.ts";
import { postgresSweepStore } from "../../src/store/postgres/sweep-store.ts";
import { decideSweep } from "../../src/freshness/sweep-decision.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import type { SweepInput } from "../../src/store/sweep-store.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { startRoundTrips, type RoundTrips } from "../support/round-trips.ts";
import { at, rows, seedProject, T0 } from "../support/sweep-rows.ts";
import { waitFor } from "../support/wait-for.ts";

let cluster: PostgresCluster;
let prisma: PostgresStore;
let relay: RoundTrips;
let fast: PostgresFastPath;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("round_trips");
  prisma = await openPostgresStore(url);
  relay = await startRoundTrips(cluster.port, 5);
  const relayed = new URL(url);
  relayed.port = String(relay.port);
  fast = openPostgresFastPath(relayed.toString(), { maxDatabasesPerProject: 4, maxConnections: 1 });
  await prisma.project.create({ data: { id: "steady", name: "steady", drillSchedule: "0 3 * * 0", badgeKey: "b-steady", storagePrefix: "s/steady" } });
}, 90_000);
afterAll(async () => {
  await fast?.close();
  await relay?.close();
  await prisma?.$disconnect();
  await cluster?.stop();
});

function heartbeat(sequence: number): HeartbeatPayload {
  const sentAt = new Date(Date.now() - 60_000 + sequence * 1000).toISOString();
  const position = { generation: "0123456789abcdef", index: 1, offset: 4096 * sequence };
  return {
    agentVersion: "1.0.0",
    sentAt,
    sequence,
    agentId: "agent",
    errors: [],
    databases: [{ name: "app", path: "/data/app.sqlite3", exists: true, position, errors: [], replicas: [{ type: "s3", url: "s3://b/app", position, lastWalAt: sentAt }] }],
  };
}

describe("PostgreSQL round trips", () => {
  it("a steady heartbeat (its database and replica stored) commits in 3 round trips, with every row written", async () => {
    await fast.ingest.ingest("steady", heartbeat(1), new Date()); // connects, creates the database and replica rows
    relay.reset();
    const ingested = await fast.ingest.ingest("steady", heartbeat(2), new Date());
    expect(relay.count()).toBe(3);
    expect(ingested).toEqual({ projectId: "steady", duplicate: false, claimsMade: 0 });
    const replica = await prisma.replica.findFirstOrThrow({ where: { database: { projectId: "steady" } } });
    expect(JSON.parse(replica.position!)).toMatchObject({ offset: 8192 });
    expect(await prisma.heartbeat.count({ where: { projectId: "steady" } })).toBe(2);
  });

  it("a sweep batch is 3 round trips when it opens incidents and 2 when nothing changes", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `quiet${i}`);
    const db = prisma as unknown as Store; // the same models; sweep-rows.ts is typed for SQLite's client
    for (const id of ids) await seedProject(db, id, at(-600));
    const sweep = postgresSweepStore(fast.pool);
    const decide = (now: Date) => (input: SweepInput) => decideSweep(input, now, () => 0, null);
    await fast.pool.query("SELECT 1"); // the pool's one connection, open
    relay.reset();
    await sweep.batch(ids, T0, decide(T0));
    expect(relay.count()).toBe(3);
    expect((await rows(db, ids)).incidents.filter((i) => i.kind === "silent")).toHaveLength(ids.length);
    relay.reset();
    await sweep.batch(ids, at(1), decide(at(1)));
    expect(relay.count()).toBe(2);
  });

  it("lastUsedAt of 20 tokens looked up one after another is written in one UPDATE, not 20", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `tok${i}`);
    await prisma.agentToken.createMany({ data: ids.map((id) => ({ id, projectId: "steady", hash: `hash-${id}`, hint: "bra_…" })) });
    await fast.pool.query("SELECT 1");
    relay.reset();
    for (const id of ids) expect((await fast.auth.authenticate(`hash-${id}`)).ok).toBe(true);
    await waitFor(async () => (await prisma.agentToken.count({ where: { id: { in: ids }, lastUsedAt: { not: null } } })) === ids.length, { timeoutMs: 5_000, what: "lastUsedAt of every token" });
    // One lookup each, then the one UPDATE (two when a loaded machine stretches the lookups past the window).
    expect(relay.count()).toBeLessThanOrEqual(ids.length + 2);
  });
});
