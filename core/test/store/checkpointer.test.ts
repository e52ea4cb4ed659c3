// The WAL checkpoints of a serving core on SQLite run on a worker thread (store/checkpointer.ts), not inside
// the commits of its connections: a real file, a writer whose own automatic checkpoint is turned off by the
// checkpointer, and the worker's PASSIVE checkpoints copying its pages into the database file.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SQLITE_AUTOCHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from "../../src/store/checkpointer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let dir: TmpDir;
let file: string;
let writer: Sqlite.Database;
let checkpointer: Checkpointer | null = null;
const setPages = (pages: number) => writer.pragma(`wal_autocheckpoint = ${pages}`);
const autocheckpoint = () => writer.pragma("wal_autocheckpoint", { simple: true }) as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  dir = await tmpDir("borela-checkpointer-");
  file = path.join(dir.path, "borela.db");
  writer = new Sqlite(file);
  writer.pragma("journal_mode = WAL");
  writer.pragma("synchronous = NORMAL");
  writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB)");
});
afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = null;
  writer.close();
  await dir.remove();
});

/** `commits` transactions of 40 pages each (4 KiB blobs), with a pause between them; bytes written. */
async function writeLoad(commits = 100): Promise<number> {
  const insert = writer.prepare("INSERT INTO t (blob) VALUES (randomblob(4000))");
  const batch = writer.transaction(() => {
    for (let i = 0; i < 40; i++) insert.run();
  });
  for (let i = 0; i < commits; i++) {
    batch();
    await sleep(15);
  }
  return commits * 40 * 4096;
}

describe("startCheckpointer", () => {
  it("turns the connections' own checkpoints off and copies the WAL into the database file on its worker", async () => {
    checkpointer = startCheckpointer(file, [setPages], { intervalMs: 20 });
    expect(autocheckpoint()).toBe(0);
    const written = await writeLoad();
    const deadline = Date.now() + 10_000;
    while (checkpointer.status().rounds === 0 && Date.now() < deadline) await sleep(20);
    expect(checkpointer.status().rounds).toBeGreaterThan(0);
    expect(checkpointer.status().last!.checkpointed).toBeGreaterThan(0);
    // Nothing else checkpoints (the writer's own is off): the pages in the database file are the worker's copies.
    expect(statSync(file).size).toBeGreaterThan(written / 2);
    // Copied frames let the writer start the WAL over: it stays far below what was written.
    expect(statSync(`${file}-wal`).size).toBeLessThan(written / 2);
  });

  it("leaves a WAL under SQLite's 1,000-frame threshold alone, as SQLite's own checkpoint would (a Litestream not running keeps its position)", async () => {
    checkpointer = startCheckpointer(file, [setPages], { intervalMs: 20 });
    const before = statSync(file).size;
    await writeLoad(20);
    await sleep(300);
    expect(checkpointer.status().rounds).toBe(0);
    expect(statSync(file).size).toBe(before);
    await writeLoad(10);
    const deadline = Date.now() + 10_000;
    while (checkpointer.status().rounds === 0 && Date.now() < deadline) await sleep(20);
    expect(checkpointer.status().last!.log).toBeGreaterThanOrEqual(SQLITE_AUTOCHECKPOINT_PAGES);
  });

  it("leaves this process's SQLite locks on the -shm in place while it reads the WAL-index header (a closed descriptor would drop them all)", async () => {
    const shmLocks = () => {
      const inode = statSync(`${file}-shm`).ino;
      // /proc/locks: "1: POSIX  ADVISORY  READ 1234 fd:01:5678 128 128", the inode after the device.
      return readFileSync("/proc/locks", "utf8").split("\n").filter((l) => l.includes(" POSIX ") && l.split(/\s+/)[4] === String(process.pid) && l.split(/\s+/)[5]?.split(":")[2] === String(inode));
    };
    expect(shmLocks().length).toBeGreaterThan(0);
    checkpointer = startCheckpointer(file, [setPages], { intervalMs: 10 });
    await writeLoad(30);
    expect(checkpointer.status().rounds).toBeGreaterThan(0);
    expect(shmLocks().length).toBeGreaterThan(0);
  });

  it("keeps the WAL short under commits back to back, at its own 100 ms rounds: each time it holds 1,000 frames, the WAL starts over", async () => {
    checkpointer = startCheckpointer(file, [setPages]);
    const insert = writer.prepare("INSERT INTO t (blob) VALUES (randomblob(1500))");
    const commit = writer.transaction(() => {
      for (let i = 0; i < 20; i++) insert.run();
    });
    // A commit every 2 ms for 6 s (the group commit's pace under a heartbeat load): a commit lands in nearly every round.
    let commits = 0;
    let largestWal = 0;
    const end = Date.now() + 6_000;
    while (Date.now() < end) {
      commit();
      commits++;
      if (commits % 50 === 0) largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
      await sleep(2);
    }
    const written = commits * 20 * 1500;
    expect(written).toBeGreaterThan(40 * 1024 * 1024);
    expect(checkpointer.status().rounds).toBeGreaterThan(10);
    // The RESTART threshold is 1,000 frames (4 MiB) plus what commits in one round; passive rounds alone grew it past 100 MiB.
    expect(largestWal).toBeLessThan(16 * 1024 * 1024);
  });

  it("without it, the same load with the connection's checkpoint off leaves every page in the WAL (the control)", async () => {
    setPages(0);
    const written = await writeLoad();
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(written);
    expect(statSync(file).size).toBeLessThan(written / 10);
  });

  it("gives the connections their own checkpoints back when its worker is lost, and says so", async () => {
    const lost: string[] = [];
    // A worker that cannot open its file fails at once (fileMustExist), as one that crashed or met an I/O error would.
    checkpointer = startCheckpointer(path.join(dir.path, "missing.db"), [setPages], { intervalMs: 20, onLost: (message) => lost.push(message) });
    const deadline = Date.now() + 10_000;
    while (lost.length === 0 && Date.now() < deadline) await sleep(20);
    await sleep(100);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/missing\.db|unable to open|does not exist/i);
    expect(autocheckpoint()).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    expect(checkpointer.status()).toEqual({ worker: "lost", restarts: 0, rounds: 0, last: null });
  });

  it("starts a lost worker again after a backoff, and once it checkpoints the connections' own checkpoints are off again (a full disk freed)", async () => {
    const events: string[] = [];
    const waits: number[] = [];
    const missing = path.join(dir.path, "later.db");
    checkpointer = startCheckpointer(missing, [setPages], {
      intervalMs: 20,
      restartDelay: (losses) => 100 * losses,
      onLost: (message, retryInMs) => {
        events.push("lost");
        waits.push(retryInMs);
      },
      onBack: () => events.push("back"),
    });
    const until = async (ok: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!ok() && Date.now() < deadline) await sleep(20);
    };
    await until(() => events.length >= 2);
    // It keeps failing while the file is missing: each loss waits longer, and the connections checkpoint meanwhile.
    expect(events.slice(0, 2)).toEqual(["lost", "lost"]);
    expect(waits.slice(0, 2)).toEqual([100, 200]);
    expect(autocheckpoint()).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    // The file comes back (as space does): the next start stays, checkpoints, and hands nothing back.
    writer.close();
    writer = new Sqlite(missing);
    writer.pragma("journal_mode = WAL");
    writer.pragma("synchronous = NORMAL");
    writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB)");
    const restartsBefore = checkpointer.status().restarts;
    await until(() => checkpointer!.status().restarts > restartsBefore && checkpointer!.status().worker === "running");
    await writeLoad(40);
    await until(() => events.includes("back"));
    expect(events.at(-1)).toBe("back");
    expect(checkpointer.status()).toMatchObject({ worker: "running", rounds: expect.any(Number) });
    expect(checkpointer.status().rounds).toBeGreaterThan(0);
    expect(autocheckpoint()).toBe(0);
  });

  it("stops on request without handing checkpoints back (the caller closes its connections)", async () => {
    const errors: string[] = [];
    checkpointer = startCheckpointer(file, [setPages], { intervalMs: 20, onLost: (message) => errors.push(message) });
    await sleep(100);
    await checkpointer.stop();
    expect(errors).toEqual([]);
    expect(autocheckpoint()).toBe(0);
  });
});
