// A serving core on SQLite checkpoints its WAL on a worker thread (store/checkpointer.ts): none of its
// connections checkpoints inside a commit, yet heartbeats' pages reach the database file while it serves.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { WAL_SIZE_LIMIT_BYTES } from "../../src/store/db.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

describe("a serving core's WAL checkpoints", () => {
  it("are off on Prisma's connection, and the worker copies the heartbeats' pages into borela.db", async () => {
    const rows = await core.store.$queryRawUnsafe<Array<{ wal_autocheckpoint: number | bigint }>>("PRAGMA wal_autocheckpoint");
    expect(Number(rows[0].wal_autocheckpoint)).toBe(0);
    const file = path.join(core.config.dataDir, "borela.db");
    const before = statSync(file).size;
    const projects = await Promise.all([0, 1, 2, 3].map((i) => core.createProject(`checkpoints-${i}`)));
    for (let round = 0; round < 60; round++) {
      await Promise.all(projects.map((p) => core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() }).then((r) => expect(r.status).toBe(201))));
    }
    const deadline = Date.now() + 10_000;
    while (statSync(file).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(before);
    const health = await core.api<{ details: { walCheckpoints: { worker: string; rounds: number; last: { log: number; checkpointed: number } | null } } }>("GET", "/healthz?details=true", { token: null });
    expect(health.body.details.walCheckpoints.worker).toBe("running");
    expect(health.body.details.walCheckpoints.rounds).toBeGreaterThan(0);
    expect(health.body.details.walCheckpoints.last!.checkpointed).toBeGreaterThan(0);
  });

  it("cut the WAL file back once a long read transaction ends: SQLite reuses it and never shrinks it otherwise", async () => {
    const file = path.join(core.config.dataDir, "borela.db");
    const wal = () => statSync(`${file}-wal`).size;
    await core.store.$executeRawUnsafe('CREATE TABLE "bulk" ("x" BLOB)');
    const reader = new Sqlite(file, { readonly: true });
    try {
      // A reader holding its snapshot: nothing can be copied past it, so the WAL grows past the limit.
      reader.exec("BEGIN");
      reader.prepare('SELECT count(*) FROM "Project"').get();
      for (let i = 0; wal() < WAL_SIZE_LIMIT_BYTES * 1.25 && i < 200; i++) {
        await core.store.$executeRawUnsafe('INSERT INTO "bulk" ("x") SELECT randomblob(4000) FROM (WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 500) SELECT k FROM n)');
      }
      expect(wal()).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
      reader.exec("COMMIT");
    } finally {
      reader.close();
    }
    // Writes go on: the worker copies everything, a write starts the WAL over and cuts the file back.
    const deadline = Date.now() + 20_000;
    while (wal() > WAL_SIZE_LIMIT_BYTES && Date.now() < deadline) {
      await core.store.$executeRawUnsafe('INSERT INTO "bulk" ("x") VALUES (randomblob(100))');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(wal()).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
  });

  it("survive another process opening borela.db while heartbeats are written (it must find the core's locks on the -shm in place)", async () => {
    const file = path.join(core.config.dataDir, "borela.db");
    const p = await core.createProject("checkpoints-visitor");
    const reader = `const Sqlite = require("better-sqlite3"); const db = new Sqlite(process.argv[1]); db.prepare('SELECT count(*) FROM "Heartbeat"').get(); db.close();`;
    let sent = 0;
    for (let round = 0; round < 6; round++) {
      const load = Promise.all(Array.from({ length: 40 }, () => core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() }).then((r) => expect(r.status).toBe(201))));
      // A CLI command, a worker process or Litestream opening the store, as the core writes.
      execFileSync(process.execPath, ["-e", reader, file], { cwd: path.resolve(import.meta.dirname, "../../.."), timeout: 20_000 });
      await load;
      sent += 40;
    }
    expect(sent).toBe(240);
    expect((await core.api("GET", "/healthz")).status).toBe(200);
    // The cause, checked directly: this process (the core) still holds its POSIX locks on the -shm after the worker's reads.
    const inode = String(statSync(`${file}-shm`).ino);
    const locks = readFileSync("/proc/locks", "utf8").split("\n").filter((l) => l.includes(" POSIX ") && l.split(/\s+/)[4] === String(process.pid) && l.split(/\s+/)[5]?.split(":")[2] === inode);
    expect(locks.length).toBeGreaterThan(0);
  });
});
