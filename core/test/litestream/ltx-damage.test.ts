// What can be done about a damaged LTX file, without I/O: content damage (which
// litestream restore 0.5 fails on too) is told from Borela's stricter checks,
// and the restore that stops before the damaged file is planned as ltx-plan.ts
// plans a point-in-time restore.
import { describe, expect, it } from "vitest";
import type { LtxFile } from "../../src/litestream/client/replica-client.ts";
import { ltxFileName } from "../../src/litestream/ltx.ts";
import { damageEscapeWords, litestreamFailsOnDamage, restoreBefore } from "../../src/litestream/ltx-damage.ts";

const t0 = Date.parse("2026-11-01T00:00:00Z");
function ltx(level: number, min: number, max: number, secondsAfter = max): LtxFile {
  const name = ltxFileName(min, max);
  return { level, minTXID: min, maxTXID: max, size: 100, createdAt: new Date(t0 + secondsAfter * 1000), name, key: `ltx/${level}/${name}` };
}

describe("litestreamFailsOnDamage", () => {
  const file = "LTX file level 0 0000000000000005-0000000000000005.ltx (/r/ltx/0/0000000000000005-0000000000000005.ltx)";
  it("is true for a file's content damage, as the drill and the restore word it", () => {
    expect(litestreamFailsOnDamage(`backup is damaged: ${file} is damaged: file checksum mismatch: the trailer says 1, the content gives 2 (CRC-64/ISO)`)).toBe(true);
    expect(litestreamFailsOnDamage(`${file} is damaged: truncated: 90 bytes, shorter than the 100-byte header`)).toBe(true);
  });

  it("is false for Borela's stricter checks, for 0.3 damage and for other failures", () => {
    expect(litestreamFailsOnDamage(`backup is damaged: ${file} is misnamed: its header holds TXIDs 5–6, its name says 5–5`)).toBe(false);
    expect(litestreamFailsOnDamage(`backup is damaged: ${file} does not follow level 9 x: its pre-apply database checksum …`)).toBe(false);
    expect(litestreamFailsOnDamage("backup is damaged: generation 1111111111111111 WAL segment 00000002_00000000.wal.lz4: lz4: invalid frame checksum")).toBe(false);
    expect(litestreamFailsOnDamage("no backup found in file:///r")).toBe(false);
  });
});

describe("restoreBefore", () => {
  it("plans the state just before the damaged file: its TXID and time", () => {
    const files = [ltx(9, 1, 3), ltx(0, 4, 4), ltx(0, 5, 5), ltx(0, 6, 6)];
    const escape = restoreBefore(files, files[3]);
    expect(escape).toEqual({ timestamp: files[3].createdAt, txid: 5, restorePoint: files[2].createdAt });
    expect(damageEscapeWords(escape)).toBe(
      `litestream restore fails on this file too, so --force cannot help; restore the state before it with --timestamp ${files[3].createdAt.toISOString()} (up to TXID 0x05, as of ${files[2].createdAt.toISOString()})`,
    );
  });

  it("uses older files where the damaged one was a compaction of them", () => {
    const files = [ltx(9, 1, 3), ltx(0, 4, 4), ltx(0, 5, 5), ltx(1, 4, 5, 20)];
    expect(restoreBefore(files, files[3])?.txid).toBe(5);
  });

  it("is null when nothing before the damaged file can be restored (a damaged first snapshot, TXID 1 gone)", () => {
    const files = [ltx(9, 1, 3), ltx(0, 4, 4)];
    expect(restoreBefore(files, files[0])).toBeNull();
    expect(damageEscapeWords(null)).toMatch(/--force cannot help; no earlier point in time can be restored/);
  });
});
