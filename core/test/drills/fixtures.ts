// A source database replicated for real by Litestream to a file replica, and
// a core that knows it through a heartbeat — what a drill starts from.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { createDatabase, startLitestream } from "../litestream/live.ts";
import { startLitestream05 } from "../litestream/live-v5.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import type { TestCore } from "../support/core-server.ts";
import { newId } from "../../src/store/ids.ts";
import type { Position } from "../../src/protocol.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { executeDrill } from "../../src/drills/execute.ts";
import type { DrillContext } from "../../src/drills/run-drill.ts";

export function tableCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  const names = (db.prepare("SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' AND substr(name, 1, 12) != '_litestream_' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const counts = Object.fromEntries(names.map((n) => [n, (db.prepare(`SELECT count(*) AS c FROM "${n}"`).get() as { c: number }).c]));
  db.close();
  return counts;
}

export function addRows(file: string, users: number, orders: number): void {
  const db = new Database(file);
  db.pragma("busy_timeout = 5000");
  const now = new Date().toISOString();
  db.transaction(() => {
    const base = (db.prepare("SELECT count(*) AS c FROM users").get() as { c: number }).c;
    for (let i = 0; i < users; i++) db.prepare("INSERT INTO users (email, name, created_at) VALUES (?, ?, ?)").run(`u${base + i}@example.com`, `user ${base + i}`, now);
    for (let i = 0; i < orders; i++) db.prepare("INSERT INTO orders (user_id, total_cents, status, created_at) VALUES (?, ?, 'paid', ?)").run(1 + (i % Math.max(1, base + users)), 100 + i, now);
  })();
  db.close();
}

/** Writes `batches` through a running Litestream, waiting for each to be replicated. */
export async function replicate(dir: string, file: string, replica: ReplicaTarget, batches: ((file: string) => void | Promise<void>)[]): Promise<void> {
  const ls = await startLitestream(dir, file, replica);
  try {
    for (const batch of batches) {
      await batch(file);
      await ls.caughtUp();
    }
  } finally {
    await ls.stop();
  }
}

/**
 * Replicates with a running Litestream 0.5 (state in `<dir>/ls05`): caught up, its first snapshot, then
 * `batches` batches of rows (batch i: 3 + i users, 7 + i orders), each waited for in the replica; stops it.
 */
export async function replicate05(dir: string, file: string, replica: ReplicaTarget, batches: number): Promise<void> {
  const live = await startLitestream05(path.join(dir, "ls05"), file, replica);
  try {
    await live.caughtUp();
    await live.snapshotted(); // Litestream 0.5 takes its first snapshot (level 9) about a second after it starts
    for (let i = 0; i < batches; i++) {
      addRows(file, 3 + i, 7 + i);
      await live.caughtUp();
    }
  } finally {
    await live.stop();
  }
}

/** Inserts `bytes` of random blobs in one transaction: one 0.3 WAL segment (or 0.5 LTX file) of about that size once Litestream syncs it. */
export function bulkLoad(file: string, bytes: number): void {
  const db = new Database(file);
  db.pragma("busy_timeout = 5000");
  db.exec("CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
  const insert = db.prepare("INSERT INTO blobs (data) VALUES (?)");
  db.transaction(() => {
    for (let i = 0; i < bytes / (64 * 1024); i++) insert.run(randomBytes(64 * 1024));
  })();
  db.close();
}

export function seededDatabase(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "app.sqlite3");
  createDatabase(file, 25);
  addRows(file, 10, 40);
  return file;
}

/**
 * POSTs a heartbeat (sent at `sentAt`, ISO) reporting one database: `database` over name "app", exists and no
 * errors; returns the API's answer.
 */
export function postDatabaseHeartbeat(core: TestCore, token: string, sentAt: string, database: Record<string, unknown>) {
  return core.api("POST", "/api/v1/heartbeats", {
    token,
    body: { agentVersion: "test", sentAt, databases: [{ name: "app", exists: true, errors: [], ...database }], errors: [] },
  });
}

/**
 * Tells the core about the database and its replica the way an agent would.
 * `live` is the database's position and last change as the agent saw them;
 * by default, for a file replica, an agent that found it caught up: the
 * replica's own end position, and no change time.
 */
export async function reportDatabase(
  core: TestCore,
  token: string,
  file: string,
  replicaUrl: string,
  liveCounts?: Record<string, number>,
  live?: { position: Position | null; changedAt?: string | null },
) {
  const now = new Date().toISOString();
  const state = live ?? { position: replicaUrl.startsWith("file://") ? (await readReplica({ type: "file", path: replicaUrl.slice(7) })).position : null };
  const res = await postDatabaseHeartbeat(core, token, now, {
    path: file,
    position: state.position,
    changedAt: state.changedAt ?? null,
    replicas: [{ type: replicaUrl.startsWith("s3") ? "s3" : "file", url: replicaUrl, pendingSince: null }],
    ...(liveCounts ? { tableCounts: liveCounts, tableCountsAt: now } : {}),
  });
  if (res.status !== 201) throw new Error(`heartbeat refused: ${res.status} ${JSON.stringify(res.body)}`);
  await core.app.sweeper.idle();
}

export async function runDrillNow(core: TestCore, projectId: string, body: Record<string, unknown> = {}) {
  const res = await core.api("POST", `/api/v1/projects/${projectId}/drills`, { body });
  if (res.status !== 202) throw new Error(`drill refused: ${res.status} ${JSON.stringify(res.body)}`);
  await core.app.drills.tick();
  const drill = await core.api("GET", `/api/v1/drills/${res.body.id}`);
  return drill.body;
}

/**
 * Runs one drill of the project's database in this process with a drill
 * context of the test's own (time limits, free-space function, config). The
 * row is created already running under a long lease, so the core's queue
 * leaves it alone.
 */
export async function runDrillWith(core: TestCore, projectId: string, context: Partial<DrillContext>) {
  const database = await core.store.database.findFirstOrThrow({ where: { projectId } });
  const id = newId();
  await core.store.drill.create({
    data: { id, projectId, databaseId: database.id, databaseName: database.name, status: "running", workerId: "test", attempts: 1, startedAt: new Date(), leaseUntil: new Date(Date.now() + 3_600_000) },
  });
  await executeDrill({ store: core.store, config: core.config, ...context }, id, 1);
  return (await core.api("GET", `/api/v1/drills/${id}`)).body;
}
