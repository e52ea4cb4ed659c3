// The replica TXID high mark the core keeps from heartbeats (store/replica-high-mark.ts), pure.
import { describe, expect, it } from "vitest";
import { nextHighMark, reportedTxid } from "../../src/store/replica-high-mark.ts";

const tx = (txid: number) => ({ generation: null, index: 0, offset: txid, txid });
const t1 = "2026-11-29T10:00:00.000+00:00";
const t2 = "2026-11-29T10:00:10.000+00:00";

describe("nextHighMark", () => {
  it("rises with the replica and keeps the time a TXID was first seen", () => {
    expect(nextHighMark(null, 0x41, 0x44, t1)).toEqual({ txid: 0x41, at: t1 });
    expect(nextHighMark({ txid: 0x41, at: t1 }, 0x44, 0x44, t2)).toEqual({ txid: 0x44, at: t2 });
    expect(nextHighMark({ txid: 0x44, at: t1 }, 0x44, 0x45, t2)).toEqual({ txid: 0x44, at: t1 });
  });

  it("keeps the mark when the replica goes back while the database does not (LTX files removed from storage)", () => {
    expect(nextHighMark({ txid: 0x44, at: t1 }, 0x41, 0x44, t2)).toEqual({ txid: 0x44, at: t1 });
    expect(nextHighMark({ txid: 0x44, at: t1 }, 0x41, 0x50, t2)).toEqual({ txid: 0x44, at: t1 });
    expect(nextHighMark({ txid: 0x44, at: t1 }, null, 0x50, t2)).toEqual({ txid: 0x44, at: t1 });
    expect(nextHighMark({ txid: 0x44, at: t1 }, 0x41, null, t2)).toEqual({ txid: 0x44, at: t1 });
  });

  it("starts over when the database's TXID is below the mark (a new history: replaced or restored)", () => {
    expect(nextHighMark({ txid: 0x44, at: t1 }, 0x3, 0x5, t2)).toEqual({ txid: 0x3, at: t2 });
    expect(nextHighMark({ txid: 0x44, at: t1 }, 0x41, 0x41, t2)).toEqual({ txid: 0x41, at: t2 });
    expect(nextHighMark({ txid: 0x44, at: t1 }, null, 0x5, t2)).toBeNull();
  });
});

describe("reportedTxid", () => {
  it("reads txid, else offset, of a 0.5 position only, and only safe integers", () => {
    expect(reportedTxid(tx(9))).toBe(9);
    expect(reportedTxid({ generation: null, index: 0, offset: 7 })).toBe(7);
    expect(reportedTxid({ generation: "1111111111111111", index: 3, offset: 4152 })).toBeNull();
    expect(reportedTxid(null)).toBeNull();
    expect(reportedTxid(undefined)).toBeNull();
    expect(reportedTxid(tx(2 ** 60))).toBeNull();
    expect(reportedTxid({ generation: null, index: 0, offset: 1, txid: 1e300 })).toBeNull();
  });
});
