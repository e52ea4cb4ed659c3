// wal-salt.ts's header parsers, and WalHold on real SQLite: with the hold, an app's checkpoint cannot
// restart the WAL (its salt stays); without it, the app's next write after a checkpoint restarts it.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { WalHold, type HoldEnd } from "../../src/agent/wal-hold.ts";
import { framesLost, ltxHeaderWal, readWalSalt, walHeaderSalt, walRestartMessage, type LtxWal } from "../../src/agent/wal-salt.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "wal-hold-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("header parsers", () => {
  it("reads the WAL header's salt and refuses other files", () => {
    const h = Buffer.alloc(32);
    h.writeUInt32BE(0x377f0682, 0);
    h.writeUInt32BE(0x527d360e, 16);
    h.writeUInt32BE(0x76321dce, 20);
    expect(walHeaderSalt(h)).toBe("527d360e76321dce");
    expect(walHeaderSalt(h.subarray(0, 20))).toBeNull();
    h.writeUInt32BE(0x12345678, 0);
    expect(walHeaderSalt(h)).toBeNull();
  });

  it("reads an LTX header's TXID, WAL end and salt (superfly/ltx layout)", () => {
    const h = Buffer.alloc(100);
    h.write("LTX1", 0, "latin1");
    h.writeBigUInt64BE(0x28n, 24);
    h.writeBigInt64BE(1812832n, 48);
    h.writeBigInt64BE(49440n, 56);
    h.writeUInt32BE(0x527d360e, 64);
    h.writeUInt32BE(0x76321dce, 68);
    const wal = ltxHeaderWal(h)!;
    expect(wal).toEqual({ txid: 40, walEnd: 1862272, salt: "527d360e76321dce" });
    expect(walRestartMessage(wal, "527d360f90c427a9")).toMatch(/salt 527d360e76321dce -> 527d360f90c427a9.*TXID 40.*snapshot is needed/);
    h.write("LTX0", 0, "latin1");
    expect(ltxHeaderWal(h)).toBeNull();
  });
});

describe("framesLost (what Litestream 0.5.16's verify will do)", () => {
  const last: LtxWal = { txid: 40, salt: "aaaa", walEnd: 32 + 10 * 4120 };
  const wal = { salt: "bbbb", frameSize: 4120, lastCopied: "aaaa", next: "aaaa" };
  it("the WAL restarted, its last copied frame still there, a later frame of the old WAL too: lost", () => {
    expect(framesLost(last, wal)).toBe(true);
  });
  it("no restart, or the last copied frame overwritten (0.5 snapshots), or nothing written after the copy: not lost", () => {
    expect(framesLost(last, { ...wal, salt: "aaaa" })).toBe(false);
    expect(framesLost(last, { ...wal, lastCopied: "bbbb" })).toBe(false);
    expect(framesLost(last, { ...wal, next: null })).toBe(false);
    expect(framesLost(last, { ...wal, next: "bbbb" })).toBe(false);
    expect(framesLost({ ...last, walEnd: 32 + 4120 }, wal)).toBe(false);
  });
});

function app(name: string) {
  const file = path.join(dir, `${name}.db`);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  const add = (n: number) => {
    for (let i = 0; i < n; i++) db.prepare("INSERT INTO t (v) VALUES (?)").run("x".repeat(200));
  };
  add(20);
  return { file, db, add };
}

describe("WalHold on real SQLite", () => {
  it("without a hold, a checkpoint and the next write restart the WAL (new salt)", async () => {
    const { file, db, add } = app("free");
    const before = await readWalSalt(file);
    db.pragma("wal_checkpoint(PASSIVE)");
    add(1);
    expect(await readWalSalt(file)).not.toBe(before);
    db.close();
  });

  it("while held the WAL keeps its salt; the hold ends at its limit and says so; afterwards the WAL restarts again", async () => {
    const { file, db, add } = app("held");
    const ends: HoldEnd[] = [];
    const hold = new WalHold((e) => ends.push(e));
    await hold.begin([file], 800);
    expect(hold.holding()).toBe(true);
    const before = await readWalSalt(file);
    add(5);
    db.pragma("wal_checkpoint(PASSIVE)");
    add(5);
    expect(await readWalSalt(file)).toBe(before);
    await new Promise((r) => setTimeout(r, 1000));
    expect(hold.holding()).toBe(false);
    expect(ends).toEqual([expect.objectContaining({ files: [file], reason: "limit" })]);
    expect(ends[0].heldMs).toBeGreaterThanOrEqual(790);
    db.pragma("wal_checkpoint(PASSIVE)");
    add(1);
    expect(await readWalSalt(file)).not.toBe(before);
    db.close();
  });

  it("end() releases at once and reports the reason; begin on a missing file reports the error and holds nothing", async () => {
    const { file, db } = app("ended");
    const ends: HoldEnd[] = [];
    const errors: string[] = [];
    const hold = new WalHold((e) => ends.push(e), (f) => errors.push(f));
    await hold.begin([file, path.join(dir, "missing.db")], 60_000);
    expect(errors).toEqual([path.join(dir, "missing.db")]);
    hold.end("synced");
    expect(ends.map((e) => [e.files, e.reason])).toEqual([[[file], "synced"]]);
    expect(hold.holding()).toBe(false);
    db.close();
  });
});
