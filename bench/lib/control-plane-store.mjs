// The control-plane bench's store: where `borela serve` keeps its state and how the bench writes N projects
// straight into it (the same columns on either store).
//
//   benchProjects(count, graceSeconds): {projects, tokens, secrets}     pure apart from random keys
//   sqliteStore(): BenchStore             a temp data dir; one core only (borela serve locks it)
//   postgresStore(cluster, database): Promise<BenchStore>   a fresh database on a running cluster
//   BenchStore: { kind, coreEnv(i), createProjects(count, graceSeconds) -> Promise<string[]> (agent tokens),
//                 setGrace(seconds), close() }
// createProjects needs the store's tables: call it once a core has started (the core migrates).
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";

/** One secret for every core on one store: stored secrets written by one core are read by the others. */
export const BENCH_SECRET_KEY = "bench-control-plane-secret-key-0123456789";

/**
 * `count` projects with one agent token each: weekly drills spread over the week (as the API's default schedule
 * does), `graceSeconds` of heartbeat grace. Returns rows for both tables and the tokens' secrets, index-aligned.
 */
export function benchProjects(count, graceSeconds) {
  const projects = [];
  const tokens = [];
  const secrets = [];
  for (let i = 0; i < count; i++) {
    const id = `bench${String(i).padStart(6, "0")}${randomBytes(4).toString("hex")}`;
    projects.push({
      id,
      name: `bench-${i}`,
      drillSchedule: `${i % 60} ${i % 24} * * ${i % 7}`,
      heartbeatGraceSeconds: graceSeconds,
      badgeKey: randomBytes(18).toString("base64url"),
      pingKey: randomBytes(18).toString("hex"),
      storagePrefix: `bench-${i}`,
    });
    const secret = `bra_${randomBytes(24).toString("base64url")}`;
    tokens.push({ id: `t${id}`, projectId: id, hash: createHash("sha256").update(secret).digest("hex"), hint: `bra_…${secret.slice(-4)}` });
    secrets.push(secret);
  }
  return { projects, tokens, secrets };
}

const tempDir = (label) => mkdtempSync(path.join(tmpdir(), `borela-bench-cp-${label}-`));

export function sqliteStore(label = "sqlite") {
  const dataDir = tempDir(label);
  const open = () => {
    const db = new Sqlite(path.join(dataDir, "borela.db"));
    db.pragma("busy_timeout = 10000");
    return db;
  };
  return {
    kind: "sqlite",
    coreEnv(i) {
      if (i !== 0) throw new Error("--cores: more than one core needs --store postgres (borela serve locks a SQLite data dir)");
      return { BORELA_DATA_DIR: dataDir, BORELA_DATABASE_URL: "" };
    },
    async createProjects(count, graceSeconds) {
      const { projects, tokens, secrets } = benchProjects(count, graceSeconds);
      const now = new Date().toISOString().replace("Z", "+00:00");
      const db = open();
      const project = db.prepare(
        `INSERT INTO "Project" (id, name, drillSchedule, heartbeatGraceSeconds, badgeKey, pingKey, storagePrefix, statusSince, createdAt, updatedAt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const token = db.prepare(`INSERT INTO "AgentToken" (id, projectId, hash, hint, createdAt) VALUES (?, ?, ?, ?, ?)`);
      db.transaction(() => {
        for (const p of projects) project.run(p.id, p.name, p.drillSchedule, p.heartbeatGraceSeconds, p.badgeKey, p.pingKey, p.storagePrefix, now, now, now);
        for (const t of tokens) token.run(t.id, t.projectId, t.hash, t.hint, now);
      })();
      db.close();
      return secrets;
    },
    async setGrace(seconds) {
      const db = open();
      db.prepare(`UPDATE "Project" SET "heartbeatGraceSeconds" = ?`).run(seconds);
      db.close();
    },
    async close() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const PG_BATCH = 1_000;
const col = (rows, key) => rows.map((r) => r[key]);

/** `database` is created on `cluster` (core/test/support/postgres.ts); each core gets its own data dir (its key file is unused: BENCH_SECRET_KEY). */
export async function postgresStore(cluster, database) {
  const url = await cluster.createDatabase(database);
  const dirs = [];
  const query = async (fn) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    kind: "postgres",
    coreEnv(i) {
      dirs[i] ??= tempDir(`pg${i}`);
      return { BORELA_DATA_DIR: dirs[i], BORELA_DATABASE_URL: url, BORELA_SECRET_KEY: BENCH_SECRET_KEY };
    },
    async createProjects(count, graceSeconds) {
      const { projects, tokens, secrets } = benchProjects(count, graceSeconds);
      // TIMESTAMP(3) without a zone holds UTC, as Prisma writes it.
      const now = new Date().toISOString().replace("Z", "");
      await query(async (client) => {
        await client.query("BEGIN");
        for (let at = 0; at < count; at += PG_BATCH) {
          const p = projects.slice(at, at + PG_BATCH);
          await client.query(
            `INSERT INTO "Project" ("id", "name", "drillSchedule", "heartbeatGraceSeconds", "badgeKey", "pingKey", "storagePrefix", "statusSince", "createdAt", "updatedAt")
             SELECT t.*, $8::timestamp(3), $8::timestamp(3), $8::timestamp(3)
             FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) AS t`,
            [col(p, "id"), col(p, "name"), col(p, "drillSchedule"), col(p, "heartbeatGraceSeconds"), col(p, "badgeKey"), col(p, "pingKey"), col(p, "storagePrefix"), now],
          );
          const t = tokens.slice(at, at + PG_BATCH);
          await client.query(
            `INSERT INTO "AgentToken" ("id", "projectId", "hash", "hint", "createdAt")
             SELECT t.*, $5::timestamp(3) FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t`,
            [col(t, "id"), col(t, "projectId"), col(t, "hash"), col(t, "hint"), now],
          );
        }
        await client.query("COMMIT");
      });
      return secrets;
    },
    async setGrace(seconds) {
      await query((client) => client.query(`UPDATE "Project" SET "heartbeatGraceSeconds" = $1`, [seconds]));
    },
    async close() {
      for (const d of dirs) if (d) rmSync(d, { recursive: true, force: true });
    },
  };
}
