// A serving core on SQLite checkpoints its WAL on a worker thread (store/checkpointer.ts): none of its
// connections checkpoints inside a commit, yet heartbeats' pages reach the database file while it serves.
import { statSync } from "node:fs";
import path from "node:path";
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
  });
});
