// LTX files as the real Litestream 0.5 writes them: a `litestream replicate`
// (0.5.16) to a file replica, with compaction into level 1 and a snapshot
// (level 9). Borela's parser verifies every file it wrote (CRC-64/ISO file
// checksum, header, pages), finds damage a byte flip or a truncation causes,
// and plans the same restore as Litestream's own `restore -dry-run -json`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { sleep } from "../support/wait-for.ts";
import { crc64Iso } from "../../src/litestream/crc64.ts";
import { LtxError, parseLtxHeader, verifyLtx } from "../../src/litestream/ltx.ts";
import { planLtxRestore } from "../../src/litestream/ltx-plan.ts";
import type { LtxFile } from "../../src/litestream/client/replica-client.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { litestreamPlan, restore05, startLitestream05 } from "./live-v5.ts";

let tmp: TmpDir;
let replicaDir: string;
let files: LtxFile[];
/** Between the 3rd and 4th batch. */
let middle: Date;

beforeAll(async () => {
  tmp = await tmpDir("borela-ltx-");
  const dbPath = path.join(tmp.path, "app.sqlite3");
  replicaDir = path.join(tmp.path, "replica");
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)");
  const live = await startLitestream05(path.join(tmp.path, "ls"), dbPath, { type: "file", path: replicaDir }, { l1: "1s" });
  try {
    for (let batch = 0; batch < 6; batch++) {
      const insert = db.prepare("INSERT INTO events (body) VALUES (?)");
      db.transaction(() => {
        for (let i = 0; i < 50; i++) insert.run(`batch ${batch} row ${i} ${"x".repeat(200)}`);
      })();
      await live.caughtUp();
      if (batch === 2) {
        await sleep(1100);
        middle = new Date();
        await sleep(1100);
      }
    }
    await sleep(2500); // a level-1 compaction after the last batch
  } finally {
    await live.stop();
    db.close();
  }
  files = (await openReplicaClient({ type: "file", path: replicaDir }).list()).ltx;
}, 90_000);

afterAll(async () => {
  await tmp?.remove();
});

const copyReplica = (name: string) => {
  const dir = path.join(tmp.path, name);
  cpSync(replicaDir, dir, { recursive: true, preserveTimestamps: true });
  return dir;
};

describe("CRC-64/ISO", () => {
  it("gives Go's crc64.ISO check value", () => {
    expect(crc64Iso(new TextEncoder().encode("123456789")).toString(16)).toBe("b90956c775a41001");
  });
});

describe("verifyLtx on files Litestream 0.5 wrote", () => {
  it("finds levels 0, 1 and 9, and every file verifies with the range and time its name and mtime state", async () => {
    expect(new Set(files.map((f) => f.level))).toEqual(new Set([0, 1, 9]));
    for (const f of files) {
      const v = verifyLtx(readFileSync(f.key));
      expect([v.header.minTXID, v.header.maxTXID]).toEqual([f.minTXID, f.maxTXID]);
      expect(v.header.timestamp.getTime()).toBe(f.createdAt.getTime()); // the file client sets mtime to the header time
      expect(v.header.noChecksum).toBe(true); // 0.5 tracks no database checksum: the file checksum is the only one
      expect(v.pages).toBeGreaterThan(0);
    }
  });

  it("names a flipped byte in page data, in the header and in the trailer", () => {
    const snapshot = files.find((f) => f.level === 9)!;
    const bytes = readFileSync(snapshot.key);
    const page = Buffer.from(bytes);
    page[100 + 6 + 4 + 20] ^= 0x01; // inside the first page's compressed data
    expect(() => verifyLtx(page)).toThrow(LtxError);
    expect(() => verifyLtx(page)).toThrow(/file checksum mismatch|page data does not decode|decodes to/);
    const header = Buffer.from(bytes);
    header[8] ^= 0x01; // page size
    expect(() => verifyLtx(header)).toThrow(/header page size/);
    const trailer = Buffer.from(bytes);
    trailer[trailer.length - 1] ^= 0x01;
    expect(() => verifyLtx(trailer)).toThrow(/file checksum mismatch: the trailer says/);
  });

  it("names a truncated file and a file that is not LTX", () => {
    const bytes = readFileSync(files.find((f) => f.level === 1)!.key);
    expect(() => verifyLtx(bytes.subarray(0, bytes.length - 5))).toThrow(/page index size|truncated/);
    expect(() => verifyLtx(bytes.subarray(0, 60))).toThrow(/truncated: 60 bytes/);
    expect(() => parseLtxHeader(Buffer.from("SQLite format 3\0".padEnd(120, "\0")))).toThrow(/not an LTX file: magic "SQLi"/);
  });
});

describe("planLtxRestore agrees with litestream restore -dry-run (0.5)", () => {
  const names = (plan: { level: number; name: string }[]) => plan.map((f) => `${f.level}/${f.name}`);

  it("for the latest state", async () => {
    const ours = planLtxRestore(files);
    const theirs = await litestreamPlan(path.join(tmp.path, "dry-latest"), { type: "file", path: replicaDir });
    expect(ours.ok && "files" in theirs).toBe(true);
    if (!ours.ok || !("files" in theirs)) return;
    expect(names(ours.plan.files)).toEqual(names(theirs.files));
    expect(ours.plan.maxTXID).toBe(Math.max(...files.map((f) => f.maxTXID)));
  });

  it("at a point in time (LTX header timestamps)", async () => {
    const ours = planLtxRestore(files, { timestamp: middle });
    const theirs = await litestreamPlan(path.join(tmp.path, "dry-middle"), { type: "file", path: replicaDir }, middle);
    expect(ours.ok && "files" in theirs).toBe(true);
    if (!ours.ok || !("files" in theirs)) return;
    expect(names(ours.plan.files)).toEqual(names(theirs.files));
    expect(ours.plan.maxTXID).toBeLessThan(Math.max(...files.map((f) => f.maxTXID)));
  });

  it("names the TXIDs a missing file leaves out, where litestream restore fails", async () => {
    const dir = copyReplica("gap");
    // Remove one level-0 file past the snapshot, and any level-1 file that covers it.
    const snapshotMax = Math.max(...files.filter((f) => f.level === 9).map((f) => f.maxTXID));
    const newest = Math.max(...files.map((f) => f.maxTXID));
    const gone = files.filter((f) => f.level === 0 && f.minTXID > snapshotMax && f.maxTXID < newest).at(0)!;
    expect(gone).toBeDefined();
    const covering = files.filter((f) => f.level === 1 && f.minTXID <= gone.minTXID && f.maxTXID >= gone.maxTXID);
    for (const f of [gone, ...covering]) rmSync(path.join(dir, "ltx", String(f.level), f.name));
    const left = (await openReplicaClient({ type: "file", path: dir }).list()).ltx;
    const ours = planLtxRestore(left);
    expect(ours.ok).toBe(false);
    if (ours.ok) return;
    const hex = (n: number) => n.toString(16).padStart(16, "0");
    expect(ours.reason).toContain(`TXIDs ${hex(gone.minTXID)}`);
    expect(ours.reason).toMatch(/non-contiguous ltx files/);
    const output = path.join(tmp.path, "gap.sqlite3");
    const error = await restore05(path.join(tmp.path, "gap-run"), { type: "file", path: dir }, output);
    expect(error).toMatch(/non-contiguous ltx files/);
  });

  it("restores the same rows as litestream restore (0.5) of the same replica", async () => {
    const output = path.join(tmp.path, "plain.sqlite3");
    expect(await restore05(path.join(tmp.path, "plain-run"), { type: "file", path: replicaDir }, output)).toBeNull();
    const db = new Database(output, { readonly: true });
    expect((db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n).toBe(300);
    db.close();
    expect(statSync(output).size).toBeGreaterThan(0);
  });
});

