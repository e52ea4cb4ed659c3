// The write probe of a file replica (replica-probe.ts): when it runs, what a
// failure says, and the one step at which a recovered directory restarts Litestream.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { initialProbe, probeDirectories, probeDue, probeMessage, stepProbe } from "../../src/agent/replica-probe.ts";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("probeDue", () => {
  it("runs only while changes wait or the last probe failed, at most every interval", () => {
    expect(probeDue(initialProbe, { now: t(0), everyMs: 1000, waiting: false })).toBe(false);
    expect(probeDue(initialProbe, { now: t(0), everyMs: 1000, waiting: true })).toBe(true);
    const probed = stepProbe(initialProbe, { now: t(0), failure: null, waiting: true });
    expect(probeDue(probed, { now: t(0.5), everyMs: 1000, waiting: true })).toBe(false);
    expect(probeDue(probed, { now: t(1), everyMs: 1000, waiting: true })).toBe(true);
    const failed = stepProbe(probed, { now: t(1), failure: "cannot write to /r: EPERM (immutable or read-only?)", waiting: true });
    expect(probeDue(failed, { now: t(2), everyMs: 1000, waiting: false })).toBe(true);
  });
});

describe("stepProbe", () => {
  it("restarts once when a failing directory takes writes again while changes wait", () => {
    const failed = stepProbe(initialProbe, { now: t(0), failure: "cannot write to /r: EPERM (immutable or read-only?)", waiting: true });
    expect(failed.restartNow).toBe(false);
    const still = stepProbe(failed, { now: t(1), failure: failed.failure, waiting: true });
    expect(still.restartNow).toBe(false);
    const back = stepProbe(still, { now: t(2), failure: null, waiting: true });
    expect(back).toEqual({ failure: null, lastProbeAt: t(2), restartNow: true });
    expect(stepProbe(back, { now: t(3), failure: null, waiting: true }).restartNow).toBe(false);
    // Nothing waiting: nothing to restart for.
    expect(stepProbe(failed, { now: t(1), failure: null, waiting: false }).restartNow).toBe(false);
  });
});

describe("probeDirectories", () => {
  it("leaves nothing behind, skips a directory not created yet, and names an immutable one with its OS error", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "borela-probe-"));
    try {
      const wal = path.join(dir, "generations", "0123456789abcdef", "wal");
      expect(await probeDirectories([dir, wal])).toBeNull();
      mkdirSync(wal, { recursive: true });
      expect(await probeDirectories([dir, wal])).toBeNull();
      expect(readdirSync(wal)).toEqual([]);
      expect(readdirSync(dir)).toEqual(["generations"]);
      execFileSync("chattr", ["+i", wal]);
      try {
        expect(await probeDirectories([dir, wal])).toBe(`cannot write to ${wal}: EPERM (immutable or read-only?)`);
      } finally {
        execFileSync("chattr", ["-i", wal]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("words other OS errors", () => {
    expect(probeMessage("/r", Object.assign(new Error("x"), { code: "EROFS" }))).toBe("cannot write to /r: EROFS (read-only file system)");
    expect(probeMessage("/r", Object.assign(new Error("weird failure"), { code: "EIO" }))).toBe("cannot write to /r: EIO (weird failure)");
  });
});
