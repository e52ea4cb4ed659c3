// Issue 16, gap 2: a hole in a 0.5 replica's LTX chain (files removed from storage) that the operator repairs
// (files put back, or re-uploaded) ends the rewind error as soon as the chain a restore uses is whole again up
// to the highest TXID seen, without waiting for a snapshot. On the old code only a snapshot ended it.
import { describe, expect, it } from "vitest";
import { initialRewind, rewindMessage, stepRewind, type RewindObservation } from "../../src/agent/replica-rewind.ts";
import type { LtxFile } from "../../src/litestream/client/replica-client.ts";
import { summarizeLtx } from "../../src/litestream/ltx-state.ts";

const hex = (n: number) => n.toString(16).padStart(16, "0");
const f = (level: number, min: number, max: number): LtxFile => {
  const name = `${hex(min)}-${hex(max)}.ltx`;
  return { level, minTXID: min, maxTXID: max, size: 100, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, max)), name, key: `ltx/${level}/${name}` };
};
const obs = (files: LtxFile[], databaseTxid: number): RewindObservation => {
  const state = summarizeLtx(files);
  return { replicaTxid: state.position?.offset ?? 0, chainTxid: state.chainTxid ?? null, databaseTxid };
};

describe("the chain a restore would use (summarizeLtx.chainTxid)", () => {
  it("is the end of a contiguous chain, from TXID 1 or from the latest snapshot", () => {
    expect(summarizeLtx([f(0, 1, 1), f(0, 2, 2), f(0, 3, 4)]).chainTxid).toBe(4);
    expect(summarizeLtx([f(9, 1, 5), f(0, 6, 6), f(1, 6, 8)]).chainTxid).toBe(8);
    expect(summarizeLtx([f(0, 1, 1), f(9, 1, 5), f(0, 6, 7)]).chainTxid).toBe(7); // a hole before the snapshot is not crossed
  });

  it("is null with a hole after the start, with no start, or with no file", () => {
    expect(summarizeLtx([f(0, 1, 1), f(0, 2, 2), f(0, 4, 4)]).chainTxid).toBeNull();
    expect(summarizeLtx([f(0, 3, 3), f(0, 4, 4)]).chainTxid).toBeNull();
    expect(summarizeLtx([]).chainTxid).toBeNull();
  });
});

describe("a hole below the newest TXID is a problem of the replica (summarizeLtx.problems)", () => {
  // ci33: LTX files 2–3 removed while Litestream went on to upload TXID 4: the replica never went back, so the
  // rewind check saw nothing, and the project stayed fresh with a replica no restore can cross.
  it("names the missing TXIDs and the replica while newer files keep arriving", () => {
    const problems = summarizeLtx([f(0, 1, 1), f(0, 4, 4), f(0, 5, 5)], "file:///backups/app").problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^litestream restore of file:\/\/\/backups\/app would fail: TXIDs 0*2–0*3 are missing/);
    expect(problems[0]).toContain("non-contiguous ltx files");
  });

  it("is none for a whole chain, a chain from a snapshot past an old hole, or an empty replica", () => {
    expect(summarizeLtx([f(0, 1, 1), f(0, 2, 2), f(0, 3, 4)]).problems).toEqual([]);
    expect(summarizeLtx([f(0, 1, 1), f(9, 1, 5), f(0, 6, 7)]).problems).toEqual([]);
    expect(summarizeLtx([]).problems).toEqual([]);
  });
});

describe("a repaired hole ends the rewind error", () => {
  const whole = [f(0, 1, 1), f(0, 2, 2), f(0, 3, 3), f(0, 4, 4), f(0, 5, 5)];

  it("files removed, then put back with no snapshot: the error ends at the read that sees the chain whole", () => {
    let s = stepRewind(initialRewind, obs(whole, 5));
    s = stepRewind(s, obs(whole.slice(0, 3), 5)); // 4 and 5 removed
    expect(rewindMessage(s)).toMatch(/^the replica went back from TXID 0x05 to 0x03: LTX files were removed from storage; put the files back, or start the replica over: stop the agent, empty the replica/);
    s = stepRewind(s, obs(whole.slice(0, 4), 5)); // 4 back, 5 still missing: behind the high mark
    expect(rewindMessage(s)).not.toBeNull();
    s = stepRewind(s, obs(whole, 5));
    expect(rewindMessage(s)).toBeNull();
  });

  it("Litestream writing past the hole is not a repair: the stored TXID is back beyond the mark but the chain is broken", () => {
    let s = stepRewind(initialRewind, obs(whole, 5));
    s = stepRewind(s, obs(whole.slice(0, 3), 5));
    const past = [...whole.slice(0, 3), f(0, 6, 6), f(0, 7, 7)];
    s = stepRewind(s, obs(past, 7));
    expect(rewindMessage(s)).toMatch(/from TXID 0x05 to 0x03/);
    s = stepRewind(s, obs([...past, f(0, 4, 4), f(0, 5, 5)], 7)); // then the missing files come back
    expect(rewindMessage(s)).toBeNull();
  });

  it("a snapshot past the hole still ends it (a restore starts there)", () => {
    let s = stepRewind(initialRewind, obs(whole, 5));
    s = stepRewind(s, obs(whole.slice(0, 3), 5));
    s = stepRewind(s, obs([...whole.slice(0, 3), f(0, 6, 6), f(9, 1, 6)], 6));
    expect(rewindMessage(s)).toBeNull();
  });

  it("a chain whole but short of the mark (files removed from the end, none put back) stays an error", () => {
    let s = stepRewind(initialRewind, obs(whole, 5));
    for (let i = 0; i < 3; i++) s = stepRewind(s, obs(whole.slice(0, 3), 5));
    expect(rewindMessage(s)).toMatch(/from TXID 0x05 to 0x03/);
  });
});
