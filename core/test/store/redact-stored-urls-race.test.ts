// Several cores starting together on one SQLite store each run the start-up cleanup of inline credentials
// (store/redact-stored-urls.ts). Seen in CI: core c exited with "UNIQUE constraint failed: Setting.key" because a
// peer recorded the cleanup between c's check and c's own record. Here a second thread holds the write lock
// while it records the cleanup; the cleanup on this thread waits for it and finds the work done.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Sqlite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { databaseFile, openStore } from "../../src/store/db.ts";
import { redactStoredUrls } from "../../src/store/redact-stored-urls.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "borela-redact-race-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const PEER = `
const { parentPort, workerData } = require("node:worker_threads");
const Sqlite = require("better-sqlite3");
const db = new Sqlite(workerData.file);
db.exec("BEGIN IMMEDIATE");
db.prepare('INSERT INTO "Setting" (key, value) VALUES (?, ?)').run("cleanup.inline-credentials", "peer");
parentPort.postMessage("locked");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
db.exec("COMMIT");
db.close();
`;

describe("the start-up cleanup with a peer core starting at the same moment", () => {
  it("waits for the peer's cleanup and finds it done instead of failing on its record", async () => {
    const store = await openStore(dataDir);
    await store.$disconnect();
    const file = databaseFile(dataDir);
    const db = new Sqlite(file);
    db.pragma("busy_timeout = 5000");
    // A store the cleanup has not run on, holding a row it would redact.
    db.prepare(`DELETE FROM "Setting" WHERE key = 'cleanup.inline-credentials'`).run();
    db.prepare(`INSERT INTO "Project" (id, name, drillSchedule, badgeKey, storagePrefix, statusReasons, updatedAt) VALUES ('p1', 'p', '0 3 * * 0', 'b1', 'pre', '["on s3://K:S@bucket/x"]', 0)`).run();

    const peer = new Worker(PEER, { eval: true, workerData: { file } });
    const exited = new Promise((resolve, reject) => peer.once("exit", resolve).once("error", reject));
    await new Promise((resolve) => peer.once("message", resolve));
    const result = redactStoredUrls(db);
    await exited;

    expect(result).toEqual({ replicas: 0, texts: 0 });
    expect(db.prepare(`SELECT value FROM "Setting" WHERE key = 'cleanup.inline-credentials'`).all()).toEqual([{ value: "peer" }]);
    db.close();
  });
});
