import { describe, expect, it } from "vitest";
import { initialOutsideWrite, outsideWriteMessage, outsideWriteWindowMs, stepOutsideWrite, type OutsideWriteState, type ShadowKey } from "../../src/agent/outside-write.ts";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
const pos = (index: number, offset: number, generation = "aaaaaaaaaaaaaaaa"): ShadowKey => ({ generation, index, offset });

function run(steps: Array<{ at: number; stamp: string; position: ShadowKey | null; live?: boolean }>): OutsideWriteState[] {
  let s = initialOutsideWrite;
  return steps.map(({ at, stamp, position, live }) => (s = stepOutsideWrite(s, { now: t(at), stamp, position, litestreamLive: live ?? true, windowMs: 10_000 })));
}

describe("stepOutsideWrite", () => {
  it("a Litestream checkpoint changes the main file and moves the position: not flagged", () => {
    const states = run([
      { at: 0, stamp: "a", position: pos(0, 6064672) },
      { at: 1, stamp: "b", position: pos(1, 4152) },
      ...Array.from({ length: 30 }, (_, i) => ({ at: 2 + i, stamp: "b", position: pos(1, 4152) })),
    ]);
    expect(states.every((s) => !s.flagged)).toBe(true);
  });

  it("a checkpoint seen before its position moved (the next sample) is not flagged", () => {
    const states = run([
      { at: 0, stamp: "a", position: pos(0, 100) },
      { at: 1, stamp: "b", position: pos(0, 100) },
      { at: 2, stamp: "b", position: pos(1, 4152) },
      ...Array.from({ length: 20 }, (_, i) => ({ at: 3 + i, stamp: "b", position: pos(1, 4152) })),
    ]);
    expect(states.every((s) => !s.flagged)).toBe(true);
  });

  it("the main file rewritten while the position stays put is flagged after the window, and stays", () => {
    const states = run([
      { at: 0, stamp: "a", position: pos(0, 100) },
      { at: 1, stamp: "copied", position: pos(0, 100) },
      ...Array.from({ length: 15 }, (_, i) => ({ at: 2 + i, stamp: "copied", position: pos(0, 100) })),
      { at: 17, stamp: "copied", position: pos(0, 4152) },
    ]);
    expect(states.findIndex((s) => s.flagged)).toBe(11); // seen at 1 s, judged at 11 s
    expect(states.at(-1)!.flagged).toMatchObject({ seconds: 10 });
    expect(outsideWriteMessage(states.at(-1)!, "/data/app.sqlite3", "/data/.app.sqlite3-litestream")).toMatch(
      /^app\.sqlite3 changed on disk but Litestream's position did not move for 10s \(generation aaaaaaaaaaaaaaaa, index 0, offset 100\): the file was rewritten outside SQLite \(copied over\?\)/,
    );
  });

  it("clears when Litestream starts a new generation", () => {
    const states = run([
      { at: 0, stamp: "a", position: pos(0, 100) },
      { at: 1, stamp: "b", position: pos(0, 100) },
      { at: 12, stamp: "b", position: pos(0, 100) },
      { at: 13, stamp: "b", position: pos(0, 4152, "bbbbbbbbbbbbbbbb") },
    ]);
    expect(states[2].flagged).not.toBeNull();
    expect(states[3].flagged).toBeNull();
  });

  it("judges nothing while Litestream is not running (an app checkpoint may then write the file)", () => {
    const states = run([
      { at: 0, stamp: "a", position: pos(0, 100), live: false },
      ...Array.from({ length: 20 }, (_, i) => ({ at: 1 + i, stamp: `s${i}`, position: pos(0, 100), live: false })),
    ]);
    expect(states.every((s) => !s.flagged)).toBe(true);
  });

  it("waits at least 10 s, or three samples", () => {
    expect(outsideWriteWindowMs(1000)).toBe(10_000);
    expect(outsideWriteWindowMs(5000)).toBe(15_000);
  });
});
