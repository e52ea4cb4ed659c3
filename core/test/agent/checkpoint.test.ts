// Fault 1 of issue 12 with a real Litestream 0.3.13: after a checkpoint the
// database's position is (new shadow WAL index, size of that one file). The old
// agent compared the replica's offset with litestream_shadow_wal_size (all kept
// shadow WAL files together) and saw the database ahead forever.
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readShadowPosition } from "../../src/litestream/shadow-wal.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, type TestAgent } from "./harness.ts";
import { keepHeartbeats } from "./kept-heartbeats.ts";

let dir: TmpDir;
let agent: TestAgent;
let dbPath: string;
const payloads: HeartbeatPayload[] = [];

beforeAll(async () => {
  dir = await tmpDir("borela-checkpoint-");
  dbPath = path.join(dir.path, "app.sqlite3");
  createDatabase(dbPath, 10);
  agent = await runAgent({
    server: "http://127.0.0.1:9",
    token: "brag_checkpoint",
    databases: [dbPath],
    replicaUrl: `file://${path.join(dir.path, "replica")}`,
    dir: dir.path,
    env: { BORELA_LITESTREAM_VERSION: "0.3" },
    deps: { post: keepHeartbeats(payloads) },
  });
});

afterAll(async () => {
  await agent?.stop();
  await dir?.remove();
});

/** Seconds a heartbeat says the replica has been pending (0 when caught up). */
const lagSeconds = (p: HeartbeatPayload) => {
  const since = p.databases[0].replicas[0].pendingSince;
  return since ? (Date.parse(p.sentAt) - Date.parse(since)) / 1000 : 0;
};

describe("after Litestream's checkpoint", () => {
  it("an idle and then slowly written database is never pending beyond a few seconds", async () => {
    await waitFor(() => payloads.find((p) => p.databases[0].replicas[0].position), { timeoutMs: 20_000, what: "a first replica position" });
    const before = (await readShadowPosition(dbPath))!;

    // One 6 MB insert: the WAL passes 1000 pages and Litestream checkpoints into a new shadow WAL file.
    const db = new Database(dbPath);
    db.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('big', ?, ?)").run("x".repeat(6_000_000), new Date().toISOString());
    db.close();
    const after = await waitFor(async () => {
      const p = await readShadowPosition(dbPath);
      return p && p.generation === before.generation && p.index > before.index ? p : null;
    }, { timeoutMs: 20_000, what: "the shadow WAL index to advance (a checkpoint)" });

    const idleFrom = payloads.length;
    await new Promise((r) => setTimeout(r, 8_000));
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 1, durationMs: 10_000 });
    await writer.exited;
    await new Promise((r) => setTimeout(r, 3_000));
    const observed = payloads.slice(idleFrom);

    expect(observed.length).toBeGreaterThanOrEqual(15);
    const worst = Math.max(...observed.map(lagSeconds));
    expect(worst, `worst pending lag over ${observed.length} heartbeats`).toBeLessThanOrEqual(4);
    const last = observed.at(-1)!.databases[0];
    expect(last.replicas[0].pendingSince).toBeNull();
    // The database's position is within the current shadow WAL file, the replica's too, and they agree.
    expect(last.position!.index).toBeGreaterThanOrEqual(after.index);
    expect(last.position!.offset).toBeLessThan(1_000_000);
    expect(last.replicas[0].position).toMatchObject({ index: last.position!.index, offset: last.position!.offset });
  }, 90_000);
});
