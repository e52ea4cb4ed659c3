// The outside-write check on Litestream 0.5's TXID (outside-write-ltx.ts), without I/O.
import { describe, expect, it } from "vitest";
import { stepOutsideWrite, type OutsideWriteState } from "../../src/agent/outside-write.ts";
import { initialOutsideWriteLtx, LTX_RULES, outsideWriteLtxMessage, type TxidKey } from "../../src/agent/outside-write-ltx.ts";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
const key = (txid: number, snapshotTxid: number | null = null): TxidKey => ({ txid, snapshotTxid });

function run(steps: Array<{ at: number; stamp: string; position: TxidKey | null; live?: boolean }>, from = initialOutsideWriteLtx): OutsideWriteState<TxidKey>[] {
  let s = from;
  return steps.map(({ at, stamp, position, live }) => (s = stepOutsideWrite(s, { now: t(at), stamp, position, litestreamLive: live ?? true, windowMs: 10_000 }, LTX_RULES)));
}

describe("outside writes on Litestream 0.5 (TXID)", () => {
  it("a Litestream checkpoint changes the main file and moves the TXID (its _litestream_seq bump): not flagged", () => {
    const states = run([
      { at: 0, stamp: "a", position: key(40) },
      { at: 1, stamp: "b", position: key(40) },
      { at: 2, stamp: "b", position: key(41) },
      ...Array.from({ length: 20 }, (_, i) => ({ at: 3 + i, stamp: "b", position: key(41) })),
    ]);
    expect(states.every((s) => !s.flagged)).toBe(true);
  });

  it("the main file changed and the TXID stayed for the window: flagged, naming the file and the TXID", () => {
    const states = run([
      { at: 0, stamp: "a", position: key(40, 1) },
      { at: 1, stamp: "b", position: key(40, 1) },
      { at: 6, stamp: "b", position: key(40, 1) },
      { at: 11, stamp: "b", position: key(40, 1) },
    ]);
    expect(states[2].flagged).toBeNull();
    expect(states[3].flagged).toEqual({ at: t(11), seconds: 10, position: key(40, 1) });
    const message = outsideWriteLtxMessage(states[3], "/data/app.sqlite3")!;
    expect(message).toMatch(/^app\.sqlite3 changed on disk but Litestream's TXID did not move for 10s \(TXID 0x28\): the file was rewritten outside SQLite \(copied over\?\)/);
    expect(message).toContain("the replica no longer matches /data/app.sqlite3 and a restore gives the old content");
    expect(message).toContain("this error ends when a snapshot past TXID 0x28 is stored");
  });

  it("stays through later writes, ends with a snapshot past the flagged TXID or a database that went back", () => {
    const flagged = run([
      { at: 0, stamp: "a", position: key(40, 1) },
      { at: 1, stamp: "b", position: key(40, 1) },
      { at: 12, stamp: "b", position: key(40, 1) },
    ])[2];
    expect(flagged.flagged).not.toBeNull();
    const later = run([{ at: 13, stamp: "b", position: key(45, 40) }], flagged); // writes on; the old snapshot at 40 predates the change
    expect(later[0].flagged).not.toBeNull();
    expect(run([{ at: 14, stamp: "b", position: key(46, 46) }], flagged)[0].flagged).toBeNull();
    expect(run([{ at: 14, stamp: "c", position: key(3, null) }], flagged)[0].flagged).toBeNull();
  });

  it("never judges without Litestream live or without a TXID", () => {
    const states = run([
      { at: 0, stamp: "a", position: key(40), live: false },
      { at: 1, stamp: "b", position: key(40), live: false },
      { at: 20, stamp: "b", position: key(40), live: false },
      { at: 21, stamp: "c", position: null },
      { at: 40, stamp: "c", position: null },
    ]);
    expect(states.every((s) => !s.flagged)).toBe(true);
  });
});
