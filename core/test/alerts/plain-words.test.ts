// Subjects in words: the reasons Borela and Litestream actually write, with
// their identifiers taken out (plain-words.ts). Pure, no I/O.
import { describe, expect, it } from "vitest";
import { plainWords } from "../../src/alerts/plain-words.ts";
import { subject, type AlertContext } from "../../src/alerts/message.ts";

describe("plainWords", () => {
  it.each([
    [
      "app changed on disk but Litestream's position did not move for 30s (generation be7a0689c1d2e3f4, index 0, offset 131872): was it replaced outside SQLite?",
      "app changed on disk but Litestream's position did not move for 30s: was it replaced outside SQLite?",
    ],
    ["replica at be7a0689/00000000:131872 is behind", "replica at a Litestream position is behind"],
    [
      "generation be7a0689c1d2e3f4, the one a restore uses, has no snapshot (3 WAL segment(s) only): litestream restore fails with \"no snapshots available\"",
      "the generation a restore uses has no snapshot (3 WAL segment(s) only): litestream restore fails with \"no snapshots available\"",
    ],
    // The two reasons a newcomer saw garbled in subjects ("WAL segment a segment file", "a generation, the one …").
    [
      "backup is damaged: WAL segment 00000000_00003068.wal.lz4 of generation 5ae7c0ffee123456 (backups/demo/app/generations/5ae7c0ffee123456/wal/00000000_00003068.wal.lz4) cannot be read: invalid frame checksum",
      "backup is damaged: a WAL segment cannot be read: invalid frame checksum",
    ],
    [
      "litestream restore of file:///tmp/replica/app would fail: generation 7b44a1b2c3d4e5f6, the one a restore uses, has no snapshot (2 WAL segment(s) only): litestream restore fails with \"no snapshots available\"",
      "litestream restore of file:///tmp/replica/app would fail: the generation a restore uses has no snapshot (2 WAL segment(s) only): litestream restore fails with \"no snapshots available\"",
    ],
    ["snapshot 00000003.snapshot.lz4 is empty", "a snapshot is empty"],
    [
      "WAL index 4 of generation be7a0689c1d2e3f4 has no initial segment (the first is 00000004_00001000.wal.lz4): litestream restore fails with \"missing initial wal segment\"",
      "WAL index 4 has no initial segment: litestream restore fails with \"missing initial wal segment\"",
    ],
    ["cannot read 0000000000000001-00000000000000a4.ltx: unexpected EOF", "cannot read an LTX file: unexpected EOF"],
    ["TXID 00000000000000a4 is missing; snapshot 0123456789abcdef too", "a TXID is missing; snapshot an identifier too"],
    // Ordinary words and paths stay as they are.
    ["database file missing at /data/app.sqlite3", "database file missing at /data/app.sqlite3"],
    ["replica s3://backups/deadbeef/app: InvalidAccessKeyId", "replica s3://backups/deadbeef/app: InvalidAccessKeyId"],
    // Issue 14: nothing is rewritten inside a path ("…/shop/ltx/0/an LTX file: permission denied").
    [
      "litestream l0 retention enforcement failed: remove /tmp/tester14/replicas/shop/ltx/0/0000000000000001-0000000000000003.ltx: permission denied",
      "litestream l0 retention enforcement failed: remove /tmp/tester14/replicas/shop/ltx/0/0000000000000001-0000000000000003.ltx: permission denied",
    ],
    // Issue 14: "LTX file level 2 an LTX file is damaged … the trailer says an identifier": the level names the file; checksums shortened.
    [
      "backup is damaged: LTX file level 2 0000000000000001-0000000000000005.ltx (shop/ltx/2/0000000000000001-0000000000000005.ltx) is damaged: file checksum mismatch: the trailer says 9c1f0e22a0b3d4e5, the content gives 3a7be0c15d2f9a61 (CRC-64/ISO)",
      "backup is damaged: LTX file level 2 is damaged: file checksum mismatch: the trailer says 9c1f0e22…, the content gives 3a7be0c1… (CRC-64/ISO)",
    ],
  ])("%s", (reason, words) => {
    expect(plainWords(reason)).toBe(words);
  });
});

describe("subjects built from the reasons a newcomer saw garbled", () => {
  const at = new Date("2026-11-29T10:00:00Z");
  const context = (kind: string, database: string, reason: string): AlertContext => ({
    event: "opened",
    project: { id: "p1", name: "demo" },
    database,
    kind,
    reason,
    startedAt: at,
    openedAt: at,
    resolvedAt: null,
    lastBackupAt: null,
    lastPassingDrillAt: null,
    restoreCommands: [],
    dashboardUrl: "http://127.0.0.1:8787/projects/p1",
    now: at,
  });

  it("a damaged WAL segment reads as a sentence", () => {
    const reason =
      "drill of app failed: backup is damaged: WAL segment 00000000_00003068.wal.lz4 of generation 5ae7c0ffee123456 (demo/app/generations/5ae7c0ffee123456/wal/00000000_00003068.wal.lz4) cannot be read: invalid frame checksum";
    expect(subject(context("drill_failed", "app", reason))).toBe(
      "[Borela] DRILL FAILED: demo / app — backup is damaged: a WAL segment cannot be read: invalid frame checksum",
    );
  });

  it("the generation a restore uses reads as a sentence", () => {
    const reason =
      'litestream restore of file:///tmp/r/borela would fail: generation 7b44a1b2c3d4e5f6, the one a restore uses, has no snapshot (2 WAL segment(s) only): litestream restore fails with "no snapshots available"';
    expect(subject(context("error", "borela", reason))).toBe(
      "[Borela] ERROR: demo / borela — litestream restore of file:///tmp/r/borela would fail: the generation a restore uses has no snapshot (2 WAL segment(s...",
    );
  });
});

describe("issue 14: the DRILL FAILED subject of a damaged LTX file reads as a sentence", () => {
  it("no 'an LTX file' after the level, no 'an identifier' for a checksum", () => {
    const at = new Date("2026-11-29T10:00:00Z");
    const reason =
      "drill of app failed: backup is damaged: LTX file level 2 0000000000000001-0000000000000005.ltx (shop/ltx/2/0000000000000001-0000000000000005.ltx) is damaged: file checksum mismatch: the trailer says 9c1f0e22a0b3d4e5, the content gives 3a7be0c15d2f9a61 (CRC-64/ISO)";
    const s = subject({ event: "opened", project: { id: "p1", name: "shop" }, database: "app", kind: "drill_failed", reason, startedAt: at, openedAt: at, resolvedAt: null, lastBackupAt: null, lastPassingDrillAt: null, restoreCommands: [], dashboardUrl: "http://127.0.0.1:8787/projects/p1", now: at } as AlertContext);
    expect(s.startsWith("[Borela] DRILL FAILED: shop / app — backup is damaged: LTX file level 2 is damaged: file checksum mismatch: the trailer says 9c1f0e22…")).toBe(true);
    expect(s).not.toMatch(/an LTX file|an identifier/);
  });
});
