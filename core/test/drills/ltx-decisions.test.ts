// The Litestream 0.5 (TXID) side of a drill's pure decisions: a latest restore
// ending below the replica TXID the agent last saw fails (the counterpart of
// 0.3's generationMismatch), and RPO is 0 when the restore reaches the
// database's TXID.
import { describe, expect, it } from "vitest";
import { ltxBelowReplica, ltxPastDatabase, positionTxid, reachesLive, rpoSeconds } from "../../src/drills/decisions.ts";

const tx = (txid: number) => ({ generation: null, index: 0, offset: txid, txid });
const seenAt = new Date("2026-11-29T10:00:00Z");

describe("ltxBelowReplica", () => {
  it("fails a latest restore that ends below the replica TXID of the latest heartbeat, naming both", () => {
    expect(ltxBelowReplica({ restoredTxid: 0x11, replica: tx(0x13), seenAt, timestamp: null })).toBe(
      "storage holds up to TXID 0x11 but the agent saw the replica reach TXID 0x13 at 2026-11-29T10:00:00.000Z: the newest LTX files are missing (TXIDs 0x12–0x13), and a restore now would not bring back the data they held",
    );
    expect(ltxBelowReplica({ restoredTxid: 0x12, replica: tx(0x13), seenAt: null, timestamp: null })).toMatch(/^storage holds up to TXID 0x12 but the agent saw the replica reach TXID 0x13: .*\(TXID 0x13\)/);
  });

  it("reads the TXID from offset when a heartbeat's position has no txid field", () => {
    expect(ltxBelowReplica({ restoredTxid: 5, replica: { generation: null, index: 0, offset: 9 }, seenAt, timestamp: null })).toMatch(/reach TXID 0x09/);
  });

  it("passes when the restore reaches the replica TXID or beyond it (the replica moved on after the heartbeat; compaction keeps max TXIDs)", () => {
    expect(ltxBelowReplica({ restoredTxid: 0x13, replica: tx(0x13), seenAt, timestamp: null })).toBeNull();
    expect(ltxBelowReplica({ restoredTxid: 0x20, replica: tx(0x13), seenAt, timestamp: null })).toBeNull();
  });

  it("compares with the replica's high mark when the latest heartbeat already shows the lowered TXID (the agent re-reads storage)", () => {
    const high = { txid: 0x44, seenAt };
    expect(ltxBelowReplica({ restoredTxid: 0x41, replica: tx(0x41), seenAt: new Date("2026-11-29T10:05:00Z"), high, timestamp: null })).toBe(
      "storage holds up to TXID 0x41 but the agent saw the replica reach TXID 0x44 at 2026-11-29T10:00:00.000Z: the newest LTX files are missing (TXIDs 0x42–0x44), and a restore now would not bring back the data they held",
    );
    expect(ltxBelowReplica({ restoredTxid: 0x41, replica: null, seenAt: null, high, timestamp: null })).toMatch(/reach TXID 0x44 at /);
    expect(ltxBelowReplica({ restoredTxid: 0x44, replica: tx(0x41), seenAt, high, timestamp: null })).toBeNull();
    expect(ltxBelowReplica({ restoredTxid: 0x41, replica: tx(0x41), seenAt, high, timestamp: new Date("2026-11-29T09:00:00Z") })).toBeNull();
    // A latest report above the mark (none kept yet) still counts.
    expect(ltxBelowReplica({ restoredTxid: 0x41, replica: tx(0x45), seenAt, high, timestamp: null })).toMatch(/reach TXID 0x45 at .*\(TXIDs 0x42–0x45\)/);
  });

  it("does not judge a point-in-time drill (a timestamp legitimately restores less), a 0.3 replica position, or none", () => {
    expect(ltxBelowReplica({ restoredTxid: 3, replica: tx(0x13), seenAt, timestamp: new Date("2026-11-29T09:00:00Z") })).toBeNull();
    expect(ltxBelowReplica({ restoredTxid: 3, replica: { generation: "1111111111111111", index: 9, offset: 4152 }, seenAt, timestamp: null })).toBeNull();
    expect(ltxBelowReplica({ restoredTxid: 3, replica: null, seenAt: null, timestamp: null })).toBeNull();
  });
});

describe("ltxPastDatabase: a restore of another history (Litestream's state reset over a replica that held later TXIDs)", () => {
  const live = (txid: number) => ({ generation: null, index: 0, offset: txid, txid });
  const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 18, 0, s));
  it("fails a restore past the database's TXID whose newest file was made before the report", () => {
    const why = ltxPastDatabase({ restoredTxid: 0x61, restorePoint: at(0), live: live(0x0d), liveAt: at(40), timestamp: null });
    expect(why).toMatch(/^the backup reaches TXID 0x61, past the database's TXID 0x0d the agent reported at 2026-11-30T18:00:40\.000Z, with files made before that report .*another history/);
  });
  it("passes a restore whose newer files came after the report (a busy writer), one at or below the database, a point in time, or no report", () => {
    expect(ltxPastDatabase({ restoredTxid: 0x61, restorePoint: at(35), live: live(0x5a), liveAt: at(40), timestamp: null })).toBeNull();
    expect(ltxPastDatabase({ restoredTxid: 0x61, restorePoint: at(0), live: live(0x61), liveAt: at(40), timestamp: null })).toBeNull();
    expect(ltxPastDatabase({ restoredTxid: 0x61, restorePoint: at(0), live: live(0x0d), liveAt: at(40), timestamp: at(1) })).toBeNull();
    expect(ltxPastDatabase({ restoredTxid: 0x61, restorePoint: at(0), live: null, liveAt: at(40), timestamp: null })).toBeNull();
    expect(ltxPastDatabase({ restoredTxid: 0x61, restorePoint: at(0), live: live(0), liveAt: at(40), timestamp: null })).toBeNull();
  });
});

describe("RPO against a 0.5 position", () => {
  const point = new Date("2026-11-29T10:00:00Z");
  const changedAt = new Date("2026-11-29T10:00:02.865Z");
  it("is 0 when the restored TXID equals or passes the database's TXID as last reported", () => {
    expect(rpoSeconds({ restorePoint: point, restored: tx(33), live: tx(33), changedAt })).toBe(0);
    expect(rpoSeconds({ restorePoint: point, restored: tx(34), live: { generation: null, index: 0, offset: 33 }, changedAt })).toBe(0);
  });

  it("is measured when the restore is behind the database's TXID, or when the lines differ", () => {
    expect(rpoSeconds({ restorePoint: point, restored: tx(32), live: tx(33), changedAt })).toBe(2.865);
    const generations = { generation: "1111111111111111", index: 0, offset: 33 };
    expect(rpoSeconds({ restorePoint: point, restored: generations, live: tx(33), changedAt })).toBe(2.865);
    expect(rpoSeconds({ restorePoint: point, restored: tx(33), live: generations, changedAt })).toBe(2.865);
  });

  it("reachesLive and positionTxid tell 0.3 positions from 0.5 ones", () => {
    expect(positionTxid(tx(7))).toBe(7);
    expect(positionTxid({ generation: "1111111111111111", index: 1, offset: 7 })).toBeNull();
    expect(reachesLive({ generation: "g", index: 2, offset: 10 }, { generation: "g", index: 2, offset: 10 })).toBe(true);
    expect(reachesLive(tx(1), null)).toBe(false);
  });
});
