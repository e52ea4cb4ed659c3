// Pure decisions about Litestream 0.5 replicas, without I/O: the restore plan's
// choices where several files could extend the chain (0.5's
// restoreCandidateBetter), gaps, the layout a 0.5 restore picks for a replica
// holding both 0.3 generations and LTX files, and the snapshot age warning.
// (ltx.test.ts checks the same planner against Litestream's own dry run on
// real files.)
import { describe, expect, it } from "vitest";
import type { LtxFile } from "../../src/litestream/client/replica-client.ts";
import type { ReplicaFile } from "../../src/litestream/replica-reader.ts";
import { ltxFileName } from "../../src/litestream/ltx.ts";
import { planLtxRestore } from "../../src/litestream/ltx-plan.ts";
import { chooseLayout, detectLayout } from "../../src/litestream/layout/detect.ts";
import { snapshotAgeWarning, snapshotRetention } from "../../src/drills/ltx-check.ts";

const t0 = Date.parse("2026-11-01T00:00:00Z");
function ltx(level: number, min: number, max: number, secondsAfter = max): LtxFile {
  const name = ltxFileName(min, max);
  return { level, minTXID: min, maxTXID: max, size: 100, createdAt: new Date(t0 + secondsAfter * 1000), name, key: `ltx/${level}/${name}` };
}
const names = (r: ReturnType<typeof planLtxRestore>) => (r.ok ? r.plan.files.map((f) => `${f.level}:${f.minTXID}-${f.maxTXID}`) : r.reason);

describe("planLtxRestore", () => {
  it("takes the newest snapshot, then the file reaching furthest at each step, across levels", () => {
    const files = [ltx(9, 1, 5), ltx(9, 1, 10), ltx(0, 11, 11), ltx(0, 12, 12), ltx(1, 11, 13), ltx(0, 13, 13), ltx(0, 14, 14)];
    expect(names(planLtxRestore(files))).toEqual(["9:1-10", "1:11-13", "0:14-14"]);
  });

  it("on a tie in max TXID prefers the lower min TXID, then the higher level", () => {
    expect(names(planLtxRestore([ltx(9, 1, 4), ltx(0, 5, 8), ltx(1, 5, 8), ltx(2, 3, 8)]))).toEqual(["9:1-4", "2:3-8"]);
    expect(names(planLtxRestore([ltx(9, 1, 4), ltx(0, 5, 8), ltx(1, 5, 8)]))).toEqual(["9:1-4", "1:5-8"]);
  });

  it("restores from TXID 1 without a snapshot, and says why it cannot when TXID 1 is gone", () => {
    expect(names(planLtxRestore([ltx(0, 1, 1), ltx(0, 2, 2)]))).toEqual(["0:1-1", "0:2-2"]);
    expect(names(planLtxRestore([ltx(0, 2, 2)]))).toMatch(/no snapshot \(level 9\), and the oldest LTX file level 0 0000000000000002-0000000000000002\.ltx does not start at TXID 1/);
  });

  it("names a gap that no level covers; one covered by another level is no gap", () => {
    expect(names(planLtxRestore([ltx(9, 1, 4), ltx(0, 6, 6), ltx(1, 5, 6)]))).toEqual(["9:1-4", "1:5-6"]);
    const gap = planLtxRestore([ltx(9, 1, 4), ltx(0, 5, 5), ltx(0, 8, 9)]);
    expect(gap).toEqual({
      ok: false,
      reason:
        "TXIDs 0000000000000006–0000000000000007 are missing: the chain ends at level 0 0000000000000005-0000000000000005.ltx and the next file is level 0 0000000000000008-0000000000000009.ltx; litestream restore fails with \"non-contiguous ltx files\"",
    });
  });

  it("at a timestamp: only files created before it; a gap before it is named though Litestream would stop there silently", () => {
    const files = [ltx(9, 1, 4, 4), ltx(0, 5, 5, 5), ltx(0, 6, 6, 6), ltx(0, 7, 7, 7)];
    const at = new Date(t0 + 6500);
    expect(names(planLtxRestore(files, { timestamp: at }))).toEqual(["9:1-4", "0:5-5", "0:6-6"]);
    const gap = planLtxRestore([ltx(9, 1, 4, 4), ltx(0, 6, 6, 6), ltx(0, 7, 7, 7)], { timestamp: at });
    expect(gap.ok).toBe(false);
    expect(!gap.ok && gap.reason).toMatch(/TXIDs 0000000000000005–0000000000000005 are missing.*would silently restore the state at TXID 0000000000000004 instead/);
  });
});

function v3(kind: "snapshot" | "wal", secondsAfter: number): ReplicaFile {
  return { generation: "0123456789abcdef", kind, index: 0, offset: 0, size: 10, modifiedAt: new Date(t0 + secondsAfter * 1000), key: `generations/x/${kind}` };
}

describe("layouts", () => {
  it("detects generations, LTX and both", () => {
    expect(detectLayout({ ltx: [], generations: [] })).toBe("empty");
    expect(detectLayout({ ltx: [ltx(0, 1, 1)], generations: [] })).toBe("ltx");
    expect(detectLayout({ ltx: [], generations: [v3("snapshot", 1)] })).toBe("generations");
    expect(detectLayout({ ltx: [ltx(0, 1, 1)], generations: [v3("snapshot", 1)] })).toBe("mixed");
  });

  it("with both, picks as 0.5 does: newest file for the latest state (tie to LTX), newest snapshot at a timestamp", () => {
    const upgraded = { generations: [v3("snapshot", 10), v3("wal", 20)], ltx: [ltx(9, 1, 1, 30), ltx(0, 2, 2, 40)] };
    expect(chooseLayout(upgraded)).toMatchObject({ layout: "ltx", stored: "mixed" });
    expect(chooseLayout({ ...upgraded, ltx: [ltx(0, 1, 1, 15)] })).toMatchObject({ layout: "generations" });
    expect(chooseLayout({ ...upgraded, ltx: [ltx(0, 1, 1, 20)] })).toMatchObject({ layout: "ltx" });
    expect(chooseLayout(upgraded, new Date(t0 + 25_000))).toMatchObject({ layout: "generations" });
    expect(chooseLayout(upgraded, new Date(t0 + 35_000))).toMatchObject({ layout: "ltx" });
  });
});

describe("snapshotAgeWarning", () => {
  it("warns when the newest snapshot is older than the retention (plus an hour) while later LTX files exist, or missing", () => {
    const now = new Date(t0 + 30 * 3600_000);
    const later = ltx(0, 6, 6, 29 * 3600);
    expect(snapshotAgeWarning([ltx(9, 1, 5, 0), later], now, snapshotRetention(null))).toMatch(/is 30 h old, beyond the 24 h snapshot retention/);
    expect(snapshotAgeWarning([ltx(9, 1, 5, 8 * 3600), later], now, snapshotRetention(null))).toBeNull();
    expect(snapshotAgeWarning([ltx(0, 1, 5)], now, snapshotRetention(null))).toMatch(/holds no snapshot/);
  });

  it("an idle database's old snapshot is its whole history: Litestream 0.5 takes no snapshot at an unchanged TXID", () => {
    const now = new Date(t0 + 30 * 3600_000);
    expect(snapshotAgeWarning([ltx(9, 1, 5, 0)], now, snapshotRetention(null))).toBeNull();
    expect(snapshotAgeWarning([ltx(9, 1, 5, 0), ltx(0, 5, 5, 0), ltx(1, 1, 5, 0)], now, snapshotRetention(null))).toBeNull();
  });
});
