// Issue 14 cosmetics, decided without the DOM: a failed drill's summary, the isolation note once,
// replicas in plain words, and the core's byte units.
import { describe, expect, it } from "vitest";
import { drillFigures, replicaWords, splitIsolationNotes } from "../src/lib/drill-words.ts";
import { bytes } from "../src/lib/format.ts";
import { formatBytes } from "../../core/src/words/bytes.ts";
import type { DrillReport } from "../src/lib/types.ts";

const report = (over: Partial<DrillReport>): DrillReport => ({
  database: "app", tables: {}, integrity: "", check: "integrity_check", foreignKeyViolations: 0, assertions: [], restoreSeconds: null, checkSeconds: null,
  restorePoint: null, rpoSeconds: null, restoredBytes: null, warnings: [], failures: [],
  replica: null, timestamp: null, replicaBytes: null, generation: null, litestreamVersion: null, layout: null, txid: null, ...over,
});

describe("drill summary figures", () => {
  it("a failed drill that restored nothing shows its failure, not empty figures", () => {
    expect(drillFigures({ status: "failed", report: report({ error: "no backup found in file:///b/app" }) })).toEqual({ failed: "no backup found in file:///b/app" });
  });
  it("a passed drill shows RTO, RPO and tables", () => {
    expect(drillFigures({ status: "passed", report: report({ restoreSeconds: 0.042, rpoSeconds: 0, tables: { a: 1, b: 2 } }) })).toEqual({ figures: "RTO 42 ms · RPO 0 ms · 2 tables" });
  });
  it("a failed drill that did restore shows why it failed", () => {
    expect(drillFigures({ status: "failed", report: report({ restoreSeconds: 1, tables: { a: 1 }, error: "assertion has users failed" }) })).toEqual({ failed: "assertion has users failed" });
  });
});

describe("isolation note", () => {
  it("is said once for all drills and left out of each drill's steps", () => {
    const note = "the replica is readable only by its owner: the isolated process stays uid 0 without capabilities, every mount read-only";
    const at = "2026-11-29T12:00:00Z";
    const drills = ["a", "b"].map((id) => ({ id, progress: [{ step: "restore", message: "litestream restore", at }, { step: "restore", message: note, at }] }));
    const split = splitIsolationNotes(drills);
    expect(split.notes).toEqual([note]);
    expect(split.steps.get("a")!.map((s) => s.message)).toEqual(["litestream restore"]);
    expect(split.steps.get("b")!.map((s) => s.message)).toEqual(["litestream restore"]);
  });
});

describe("words and units", () => {
  it("says who manages a replica's storage in plain words", () => {
    expect(replicaWords("file", "user")).toBe("file replica (your own storage)");
    expect(replicaWords("s3", "borela")).toBe("s3 replica (storage managed by Borela)");
  });
  it("words bytes exactly as the core's formatBytes (binary units)", () => {
    for (const n of [0, 512, 1023, 1024, 2765, 16 * 1024, 10 * 1024 * 1024 + 1, 3 * 1024 ** 3]) expect(bytes(n)).toBe(formatBytes(n));
    expect(bytes(2765)).toBe("2.7 KiB");
  });
});
