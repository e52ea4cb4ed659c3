// The heartbeat hot path's behaviour, run on SQLite and PostgreSQL (fast-path-contract.test.ts): the same
// sequence of agent auth and heartbeat ingest calls, with its expectations checked on each store, and the
// rows it left read back through the store's own Prisma client, for the test to compare across stores.
import { expect } from "vitest";
import type { Store } from "../../src/store/db.ts";
import type { AgentAuthPart, HeartbeatIngestPart, OrderReadsPart } from "../../src/store/fast-path-types.ts";
import { DatabaseLimitError } from "../../src/store/heartbeat-ingest.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { hashToken } from "../../src/server/tokens.ts";
import { waitFor } from "../support/wait-for.ts";

export interface FastPathUnderTest {
  auth: AgentAuthPart;
  ingest: HeartbeatIngestPart;
  order: OrderReadsPart;
  /** The store's Prisma client (PostgreSQL's typed as SQLite's: the same models). */
  prisma: Store;
}

/** The limit the contract's stores are opened with (BORELA_MAX_DATABASES_PER_PROJECT). */
export const CONTRACT_MAX_DATABASES = 3;

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const t = (s: number) => new Date(T0 + s * 1000);
const pos = (txid: number) => ({ generation: null, index: 0, offset: txid, txid });

function heartbeat(sentAt: Date, sequence: number, databases: HeartbeatPayload["databases"], errors: string[] = []): HeartbeatPayload {
  return { agentVersion: "1.0.0", sentAt: sentAt.toISOString(), sequence, agentId: "agent-1", databases, errors };
}

function database(name: string, txid: number, replicas: { url: string; txid: number }[], extra: Partial<HeartbeatPayload["databases"][number]> = {}) {
  return {
    name,
    path: `/data/${name}.sqlite3`,
    exists: true,
    sizeBytes: 4096 * txid,
    walBytes: 100 + txid,
    position: pos(txid),
    replicas: replicas.map((r) => ({ type: "file", url: r.url, position: pos(r.txid), storageBytes: 10 * r.txid, lastSnapshotAt: t(-3600).toISOString() })),
    errors: [],
    ...extra,
  };
}

async function seed(prisma: Store): Promise<void> {
  const project = (id: string, grace: number) => ({ id, name: id, drillSchedule: "0 3 * * 0", badgeKey: `b-${id}`, storagePrefix: `p/${id}`, heartbeatGraceSeconds: grace });
  await prisma.project.createMany({ data: [project("p1", 90), project("p2", 120)] });
  await prisma.agentToken.createMany({
    data: [
      { id: "t1", projectId: "p1", hash: hashToken("tok-1"), hint: "1" },
      { id: "t2", projectId: "p1", hash: hashToken("tok-2"), hint: "2", revokedAt: t(-60) },
      { id: "t3", projectId: "p2", hash: hashToken("tok-3"), hint: "3", expiresAt: t(5) },
      { id: "t4", projectId: "p2", hash: hashToken("tok-4"), hint: "4" },
    ],
  });
}

const rejected = async (prisma: Store, id: string) => (await prisma.agentToken.findUniqueOrThrow({ where: { id } })).rejectedAt?.toISOString() ?? null;
const lastUsed = async (prisma: Store, id: string) => (await prisma.agentToken.findUniqueOrThrow({ where: { id } })).lastUsedAt?.toISOString() ?? null;

/** Verdicts, the rejection memory, the cache and revocation, lastUsedAt written at most once a minute. */
async function authSequence(s: FastPathUnderTest): Promise<void> {
  const { auth, prisma } = s;
  expect(await auth.authenticate(hashToken("tok-1"), t(0))).toEqual({ ok: true, agent: { tokenId: "t1", projectId: "p1", heartbeatGraceSeconds: 90 } });
  // lastUsedAt is advisory (PostgreSQL writes it beside the answer): wait for it, bounded.
  await waitFor(async () => (await lastUsed(prisma, "t1")) === t(0).toISOString(), { timeoutMs: 5_000, what: "t1 lastUsedAt" });
  expect((await auth.authenticate(hashToken("tok-1"), t(30))).ok).toBe(true);
  expect((await auth.authenticate(hashToken("tok-1"), t(61))).ok).toBe(true);
  await waitFor(async () => (await lastUsed(prisma, "t1")) === t(61).toISOString(), { timeoutMs: 5_000, what: "t1 lastUsedAt after a minute" });

  expect(await auth.authenticate(hashToken("tok-2"), t(1))).toEqual({ ok: false, reason: "revoked", projectId: "p1", tokenId: "t2" });
  expect(await auth.authenticate(hashToken("tok-3"), t(5))).toEqual({ ok: false, reason: "expired", projectId: "p2", tokenId: "t3" });
  expect(await auth.authenticate(hashToken("nobody"), t(1))).toEqual({ ok: false, reason: "unknown" });
  // The rejections are stored (rejectedAt), at most once per token and REJECTION_EVERY_MS: a second one is not.
  await waitFor(async () => (await rejected(prisma, "t2")) === t(1).toISOString() && (await rejected(prisma, "t3")) === t(5).toISOString(), { timeoutMs: 5_000, what: "rejectedAt" });
  expect((await auth.authenticate(hashToken("tok-2"), t(20))).ok).toBe(false);

  // Revoked elsewhere: forgetTokens ends a cached verdict at once (how long one holds otherwise, per store:
  // token-memory.test.ts, postgres-token-generation.test.ts).
  await prisma.agentToken.update({ where: { id: "t1" }, data: { revokedAt: t(61) } });
  auth.forgetTokens();
  expect(await auth.authenticate(hashToken("tok-1"), t(62))).toEqual({ ok: false, reason: "revoked", projectId: "p1", tokenId: "t1" });
  await waitFor(async () => (await rejected(prisma, "t1")) === t(62).toISOString(), { timeoutMs: 5_000, what: "t1 rejectedAt" });
  expect(await rejected(prisma, "t2")).toBe(t(1).toISOString());

  // Many lookups at once, of one token and of several: each gets its own verdict.
  const many = await Promise.all([...Array.from({ length: 20 }, () => "tok-4"), "tok-2", "nobody", "tok-4"].map((tok) => auth.authenticate(hashToken(tok), t(100))));
  expect(many.map((r) => (r.ok ? r.agent.tokenId : r.reason))).toEqual([...Array.from({ length: 20 }, () => "t4"), "revoked", "unknown", "t4"]);
  await waitFor(async () => (await lastUsed(prisma, "t4")) === t(100).toISOString(), { timeoutMs: 5_000, what: "t4 lastUsedAt" });
  await waitFor(async () => (await rejected(prisma, "t2")) === t(100).toISOString(), { timeoutMs: 5_000, what: "t2 rejectedAt again" });
}

/** Ingest: newer reports replace older ones, missed databases are counted, replica high marks kept, the limit refused. */
async function ingestSequence(s: FastPathUnderTest): Promise<void> {
  const { ingest, prisma } = s;
  const first = heartbeat(t(200), 1, [
    database("a", 10, [{ url: "file:///r/a", txid: 10 }], { tableCounts: { users: 3 }, marker: { value: "m", at: t(199).toISOString() } }),
    database("b", 20, [{ url: "file:///r/b1", txid: 20 }, { url: "file:///r/b2", txid: 19 }]),
  ]);
  // The file replicas' places (drills/replica-claim-records.ts): each place new to the project is its claim; /r/b1
  // and /r/b2 lead to one directory here (a symlink), two claims of two paths.
  const places = new Map([
    ["file:///r/a", { path: "/r/a", dir: "/r/a" }],
    ["file:///r/b1", { path: "/r/b1", dir: "/vol/b" }],
    ["file:///r/b2", { path: "/r/b2", dir: "/vol/b" }],
  ]);
  expect(await ingest.ingest("p1", first, t(201), places)).toEqual({ projectId: "p1", duplicate: false, claimsMade: 3 });
  expect(await ingest.ingest("p1", first, t(202), places)).toEqual({ projectId: "p1", duplicate: true, claimsMade: 0 });

  // b left out: counted missed; a's table counts kept when the report has none; the agent's errors join each database's.
  // /r/a led elsewhere since: a new claim of the same path; a spelling of one place already claimed is none.
  const moved = new Map([
    ["file:///r/a", { path: "/r/a", dir: "/vol/a2" }],
    ["file:///r/a/", { path: "/r/a", dir: "/vol/a2" }],
  ]);
  expect(await ingest.ingest("p1", heartbeat(t(210), 2, [database("a", 12, [{ url: "file:///r/a", txid: 11 }])], ["config unreadable"]), t(211), moved)).toEqual({ projectId: "p1", duplicate: false, claimsMade: 1 });
  // An older, queued heartbeat: history only (no database or replica change, no missed count).
  await ingest.ingest("p1", heartbeat(t(190), 0, [database("a", 1, [{ url: "file:///r/a", txid: 1 }])]), t(212));
  // The agent's clock ahead of ours: measured at our receive time.
  await ingest.ingest("p1", heartbeat(t(400), 3, [database("a", 3, [{ url: "file:///r/a", txid: 5 }]), database("b", 21, [{ url: "file:///r/b1", txid: 21 }])]), t(220));

  const limited = heartbeat(t(230), 4, [database("a", 3, []), database("c", 1, []), database("d", 1, [])]);
  await expect(ingest.ingest("p1", limited, t(231))).rejects.toBeInstanceOf(DatabaseLimitError);
  expect(await prisma.heartbeat.count({ where: { projectId: "p1", sequence: 4 } })).toBe(0);

  // Heartbeats arriving together (one tick), two projects, a project several times: all written in order.
  const together = await Promise.all([
    ingest.ingest("p2", heartbeat(t(240), 1, [database("x", 1, [{ url: "file:///r/x", txid: 1 }])]), t(241), new Map([["file:///r/x", { path: "/r/x", dir: "/r/x" }]])),
    ingest.ingest("p2", heartbeat(t(250), 2, [database("x", 2, [{ url: "file:///r/x", txid: 2 }])]), t(251)),
    ingest.ingest("p1", heartbeat(t(250), 5, [database("a", 6, [{ url: "file:///r/a", txid: 6 }])]), t(252)),
    ingest.ingest("p2", heartbeat(t(245), 3, [database("x", 9, [{ url: "file:///r/x", txid: 9 }])]), t(253)),
    ingest.ingest("p2", heartbeat(t(260), 2, []), t(254)), // sequence 2 again: a duplicate
    ingest.ingest("p2", heartbeat(t(260), 6, [database("x", 3, []), database("y", 1, []), database("z", 1, []), database("w", 1, [])]), t(255)),
  ].map((p) => p.then((r) => r, (e: Error) => e.constructor.name)));
  expect(together).toEqual([
    { projectId: "p2", duplicate: false, claimsMade: 1 },
    { projectId: "p2", duplicate: false, claimsMade: 0 },
    { projectId: "p1", duplicate: false, claimsMade: 0 },
    { projectId: "p2", duplicate: false, claimsMade: 0 },
    { projectId: "p2", duplicate: true, claimsMade: 0 },
    "DatabaseLimitError",
  ]);
  const claims = (await prisma.replicaClaim.findMany()).map((c) => [c.projectId, c.path, c.dir, c.firstAt.toISOString(), c.seenAt.toISOString()]);
  expect(claims.sort((a, b) => (a.join() < b.join() ? -1 : 1))).toEqual([
    ["p1", "/r/a", "/r/a", t(201).toISOString(), t(201).toISOString()],
    ["p1", "/r/a", "/vol/a2", t(211).toISOString(), t(211).toISOString()],
    ["p1", "/r/b1", "/vol/b", t(201).toISOString(), t(201).toISOString()],
    ["p1", "/r/b2", "/vol/b", t(201).toISOString(), t(201).toISOString()],
    ["p2", "/r/x", "/r/x", t(241).toISOString(), t(241).toISOString()],
  ]);

  const a = await prisma.database.findFirstOrThrow({ where: { projectId: "p1", name: "a" }, include: { replicas: true } });
  expect(a.tableCounts).toBe('{"users":3}');
  expect(a.lastHeartbeatAt!.toISOString()).toBe(t(250).toISOString());
  // At 220 the database's TXID (3) went below the mark (11): a new history, marked 5; at 250 it rose to 6.
  expect(a.replicas.map((r) => [r.url, Number(r.highTxid), r.highTxidAt!.toISOString()])).toEqual([["file:///r/a", 6, t(250).toISOString()]]);
  const b = await prisma.database.findFirstOrThrow({ where: { projectId: "p1", name: "b" }, include: { replicas: true } });
  expect(b.missedHeartbeats).toBe(1); // reported again at 220 (reset), then left out at 250
  expect(b.replicas.map((r) => r.url)).toEqual(["file:///r/b1"]);
  const x = await prisma.database.findFirstOrThrow({ where: { projectId: "p2", name: "x" } });
  expect(x.position).toBe(JSON.stringify(pos(2))); // 245's report came after 250's: older, not applied
  expect((await prisma.project.findUniqueOrThrow({ where: { id: "p1" } })).lastHeartbeatAt!.toISOString()).toBe(t(252).toISOString());
}

/**
 * The order's stamp is stable while nothing it reads changes, and moves with a status, a finished drill, a
 * drill's status changed in place and an open drill incident; returns the facts, sorted, for comparison.
 */
async function orderSequence(s: FastPathUnderTest): Promise<unknown> {
  const { prisma, order } = s;
  let stamp = await order.stamp();
  const moved = async (what: string) => {
    const now = await order.stamp();
    expect(now, what).not.toBe(stamp);
    expect(await order.stamp(), `${what}, read again`).toBe(now);
    stamp = now;
  };
  expect(await order.stamp()).toBe(stamp);
  await prisma.project.update({ where: { id: "p2" }, data: { status: "silent" } });
  await moved("a status");
  const a = await prisma.database.findFirstOrThrow({ where: { projectId: "p1", name: "a" } });
  await prisma.drill.create({ data: { id: "dr1", projectId: "p1", databaseId: a.id, status: "passed", finishedAt: t(300) } });
  await moved("a finished drill");
  await prisma.drill.update({ where: { id: "dr1" }, data: { status: "failed" } });
  await moved("a drill's status");
  await prisma.incident.create({ data: { id: "in1", projectId: "p1", kind: "drill_failed", reason: "restore failed" } });
  await moved("an open drill incident");
  await prisma.database.update({ where: { id: a.id }, data: { walBytes: 1 } });
  expect(await order.stamp(), "a heartbeat's columns").toBe(stamp);
  const facts = await order.facts();
  expect(facts.projects.map((p) => [p.id, p.status]).sort()).toEqual([["p1", "unknown"], ["p2", "silent"]]);
  expect(facts.lastDrills).toEqual([{ projectId: "p1", status: "failed" }]);
  expect(facts.openDrillIncidents).toEqual([{ projectId: "p1", kind: "drill_failed" }]);
  return { ...facts, projects: [...facts.projects].sort((x, y) => x.id.localeCompare(y.id)) };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Runs the contract on `s` (a freshly migrated, empty store) and returns the rows it left, ids left out. */
export async function fastPathContract(s: FastPathUnderTest): Promise<unknown> {
  await seed(s.prisma);
  await authSequence(s);
  await ingestSequence(s);
  const order = await orderSequence(s);
  const { prisma } = s;
  const heartbeats = await prisma.heartbeat.findMany({ orderBy: [{ projectId: "asc" }, { sequence: "asc" }] });
  const databases = await prisma.database.findMany({ orderBy: [{ projectId: "asc" }, { name: "asc" }], include: { replicas: { orderBy: { url: "asc" } } } });
  return {
    order,
    tokens: (await prisma.agentToken.findMany({ orderBy: { id: "asc" } })).map((k) => [k.id, iso(k.lastUsedAt), iso(k.revokedAt), iso(k.rejectedAt)]),
    projects: (await prisma.project.findMany({ orderBy: { id: "asc" } })).map((p) => [p.id, iso(p.lastHeartbeatAt)]),
    claims: (await prisma.replicaClaim.findMany()).map((c) => [c.projectId, c.path, c.dir, iso(c.firstAt), iso(c.seenAt)]).sort((a, b) => (a.join() < b.join() ? -1 : 1)),
    heartbeats: heartbeats.map((h) => [h.projectId, h.sequence, h.agentId, iso(h.sentAt), iso(h.receivedAt), Number(h.storageBytes), h.payload]),
    databases: databases.map((d) => ({
      row: [d.projectId, d.name, d.path, Number(d.sizeBytes), Number(d.walBytes), d.position, iso(d.lastHeartbeatAt), d.exists, d.errors, d.notes, d.tableCounts, iso(d.tableCountsAt), d.markerEnabled, d.missedHeartbeats],
      replicas: d.replicas.map((r) => [r.type, r.url, r.generation, r.position, iso(r.pendingSince), iso(r.lastSnapshotAt), iso(r.lastWalAt), Number(r.storageBytes), r.lastError, r.highTxid === null ? null : Number(r.highTxid), iso(r.highTxidAt), iso(r.updatedAt)]),
    })),
  };
}
