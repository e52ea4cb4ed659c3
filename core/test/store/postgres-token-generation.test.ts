// Issue 20 (CPU per core): a PostgreSQL core keeps agent token verdicts for a minute and reads the store's
// token generation (one Setting row, moved by triggers) at most once a second instead of the token at nearly
// every heartbeat; yet a revocation, a rotation's expiry, a project's deletion and a grace change made through
// another core reach this one within 2 s, measured on a real cluster with two pools (two cores).
import { createHash } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import { openPool } from "../../src/store/postgres/pool.ts";
import { PostgresAgentAuth } from "../../src/store/postgres/agent-auth.ts";
import { newId } from "../../src/store/ids.ts";
import { GENERATION_CACHE_MS, verdictUntil } from "../../src/store/token-memory.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { sleep } from "../support/wait-for.ts";

const BOUND_MS = 2_000;
let cluster: PostgresCluster;
let db: PostgresStore;
let pool: pg.Pool;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("token_generation");
  db = await openPostgresStore(url);
  pool = openPool(url, 4);
}, 90_000);

afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
  await cluster?.stop();
});

/** A project with one agent token; its hash. */
async function seedToken(name: string): Promise<{ projectId: string; tokenId: string; hash: string }> {
  const projectId = newId();
  await db.project.create({ data: { id: projectId, name, drillSchedule: "0 3 * * 0", badgeKey: newId(), storagePrefix: `p/${projectId}`, heartbeatGraceSeconds: 120 } });
  const hash = createHash("sha256").update(`bract_${name}`).digest("hex");
  const tokenId = newId();
  await db.agentToken.create({ data: { id: tokenId, projectId, hash, hint: "bract…" } });
  return { projectId, tokenId, hash };
}

/** An auth over `pool` whose token reads are counted (the generation reads apart). */
function countedAuth() {
  const reads = { tokens: 0, generation: 0 };
  const counting = new Proxy(pool, {
    get(target, prop) {
      if (prop !== "query") return Reflect.get(target, prop);
      return (sql: string, ...rest: unknown[]) => {
        if (sql.includes('JOIN "Project"')) reads.tokens++;
        if (sql.includes("agent-token-generation")) reads.generation++;
        return (target.query as (...a: unknown[]) => unknown)(sql, ...rest);
      };
    },
  });
  return { auth: new PostgresAgentAuth(counting), reads };
}

/** How long (ms) until `auth` gives a verdict `done` accepts, polled every 50 ms for up to 5 s. */
async function msUntil(auth: PostgresAgentAuth, hash: string, done: (r: Awaited<ReturnType<PostgresAgentAuth["authenticate"]>>) => boolean): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < 5_000) {
    if (done(await auth.authenticate(hash))) return Date.now() - start;
    await sleep(50);
  }
  return Infinity;
}

describe("PostgreSQL agent token cache", () => {
  it("reads a token once a minute while the generation stands still, the generation at most once a second", async () => {
    const { hash } = await seedToken("steady");
    const { auth, reads } = countedAuth();
    const t0 = Date.now();
    // An agent heartbeating every 5 s for 55 s (the old 2 s cache read the token at each one).
    for (let s = 0; s < 60_000; s += 5_000) expect((await auth.authenticate(hash, new Date(t0 + s))).ok).toBe(true);
    expect(reads.tokens).toBe(1);
    expect(reads.generation).toBe(12);
    // 200 heartbeats of other agents in the same second: no further generation read.
    for (let i = 0; i < 200; i++) await auth.authenticate(hash, new Date(t0 + 55_000 + i));
    expect(reads).toEqual({ tokens: 1, generation: 12 });
    await auth.authenticate(hash, new Date(t0 + GENERATION_CACHE_MS + 1));
    expect(reads.tokens).toBe(2);
  });

  it("a revocation, a rotation's expiry, a project's deletion and a grace change at another core reach this one within 2 s", async () => {
    const revoked = await seedToken("revoked");
    const rotated = await seedToken("rotated");
    const deleted = await seedToken("deleted");
    const { auth } = countedAuth();
    for (const t of [revoked, rotated, deleted]) expect((await auth.authenticate(t.hash)).ok).toBe(true);

    // As routes/tokens.ts revokes at another core (which forgets its own cache; this one learns from the store).
    await db.agentToken.updateMany({ where: { id: revoked.tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
    expect(await msUntil(auth, revoked.hash, (r) => !r.ok && r.reason === "revoked")).toBeLessThan(BOUND_MS);

    // A rotation with overlap: the old token stays good until its new expiresAt, then is refused at once.
    const until = new Date(Date.now() + 1_500);
    await db.agentToken.updateMany({ where: { id: rotated.tokenId }, data: { expiresAt: until } });
    expect((await auth.authenticate(rotated.hash)).ok).toBe(true);
    await msUntil(auth, rotated.hash, (r) => !r.ok);
    expect(Date.now()).toBeLessThan(until.getTime() + 200);
    expect(await auth.authenticate(rotated.hash)).toMatchObject({ ok: false, reason: "expired" });

    await db.project.delete({ where: { id: deleted.projectId } });
    expect(await msUntil(auth, deleted.hash, (r) => !r.ok && r.reason === "unknown")).toBeLessThan(BOUND_MS);

    const graced = await seedToken("graced");
    expect(await auth.authenticate(graced.hash)).toMatchObject({ ok: true, agent: { heartbeatGraceSeconds: 120 } });
    await db.project.update({ where: { id: graced.projectId }, data: { heartbeatGraceSeconds: 300 } });
    expect(await msUntil(auth, graced.hash, (r) => r.ok && r.agent.heartbeatGraceSeconds === 300)).toBeLessThan(BOUND_MS);
  });

  it("keeps an accepted verdict no later than the token's expiresAt, an unknown token 2 s", () => {
    const now = new Date("2026-11-30T00:00:00Z");
    const row = { id: "t", projectId: "p", revokedAt: null, expiresAt: new Date(now.getTime() + 5_000), heartbeatGraceSeconds: 60 };
    expect(verdictUntil(row, { ok: true, agent: { tokenId: "t", projectId: "p", heartbeatGraceSeconds: 60 } }, now, 60_000)).toBe(now.getTime() + 5_000);
    expect(verdictUntil({ ...row, expiresAt: null }, { ok: true, agent: { tokenId: "t", projectId: "p", heartbeatGraceSeconds: 60 } }, now, 60_000)).toBe(now.getTime() + 60_000);
    expect(verdictUntil(undefined, { ok: false, reason: "unknown" }, now, 60_000)).toBe(now.getTime() + 2_000);
  });
});
