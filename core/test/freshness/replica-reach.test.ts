// Fault: a replica reported behind its database (same line, database TXID 20, replica TXID 5) with
// pendingSince null read "replicas caught up". Honest agents send that combination (the replica's position
// is read from storage less often than the database's), so the status stays and the words change. A replica
// ahead of its database adds a reason, the status unchanged.
import { describe, expect, it } from "vitest";
import { evaluateDatabase, type DatabaseState } from "../../src/freshness/status.ts";
import { replicaReach } from "../../src/freshness/replica-reach.ts";
import type { Position } from "../../src/protocol.ts";
import { ago, db as healthy, now, rep, t } from "./states.ts";

const txid = (n: number): Position => ({ generation: null, index: 0, offset: n, txid: n });
const wal = (index: number, offset: number, generation = "0123456789abcdef"): Position => ({ generation, index, offset });

function db(position: Position | null, replica: Position | null, pendingSince: Date | null = null): DatabaseState {
  return healthy({ position, replicas: [rep({ url: "s3://bucket/app", pendingSince, hasPosition: replica !== null, position: replica })] });
}

describe("replicaReach", () => {
  it("compares 0.5 positions by TXID and 0.3 positions by index then offset within a generation", () => {
    expect(replicaReach(txid(20), txid(5))).toBe("behind");
    expect(replicaReach(txid(20), txid(20))).toBe("even");
    expect(replicaReach(txid(5), txid(20))).toBe("ahead");
    expect(replicaReach({ generation: null, index: 0, offset: 20 }, { generation: null, index: 0, offset: 5 })).toBe("behind");
    expect(replicaReach(wal(3, 100), wal(2, 9000))).toBe("behind");
    expect(replicaReach(wal(3, 100), wal(3, 100))).toBe("even");
    expect(replicaReach(wal(3, 100), wal(3, 4152))).toBe("ahead");
    expect(replicaReach(wal(3, 100), wal(4, 0))).toBe("ahead");
  });

  it("has nothing to say across generations or lines, or without both positions", () => {
    expect(replicaReach(wal(3, 100, "aaaaaaaaaaaaaaaa"), wal(9, 100, "bbbbbbbbbbbbbbbb"))).toBeNull();
    expect(replicaReach(txid(20), wal(1, 0))).toBeNull();
    expect(replicaReach(null, txid(5))).toBeNull();
    expect(replicaReach(txid(5), undefined)).toBeNull();
  });
});

describe("evaluateDatabase with reported positions", () => {
  it("does not call a replica behind its database caught up (0.5: TXID 5 against 20, pendingSince null)", () => {
    expect(evaluateDatabase(db(txid(20), txid(5)), t, now)).toEqual({ status: "fresh", reasons: ["app: replication in progress"] });
  });

  it("does not call a replica behind its database caught up (0.3: same generation, earlier index)", () => {
    expect(evaluateDatabase(db(wal(4, 4152), wal(3, 8272)), t, now)).toEqual({ status: "fresh", reasons: ["app: replication in progress"] });
  });

  it("still calls an even replica caught up, and says nothing new without positions or across generations", () => {
    for (const d of [db(txid(20), txid(20)), db(wal(3, 100), wal(3, 100)), db(null, txid(5)), db(wal(3, 100, "aaaaaaaaaaaaaaaa"), wal(1, 0, "bbbbbbbbbbbbbbbb"))]) {
      expect(evaluateDatabase(d, t, now)).toEqual({ status: "fresh", reasons: ["app: replicas caught up"] });
    }
  });

  it("calls a replica reported ahead of its database caught up, with no reason of its own (an honest agent's read order shows one)", () => {
    expect(evaluateDatabase(db(txid(5), txid(20)), t, now)).toEqual({ status: "fresh", reasons: ["app: replicas caught up"] });
    expect(evaluateDatabase(db(wal(3, 100), wal(3, 4152)), t, now)).toEqual({ status: "fresh", reasons: ["app: replicas caught up"] });
  });

  it("leaves the stale verdict to pendingSince", () => {
    expect(evaluateDatabase(db(txid(20), txid(5), ago(301)), t, now).status).toBe("stale");
    expect(evaluateDatabase(db(txid(20), txid(5), ago(299)), t, now)).toEqual({ status: "fresh", reasons: ["app: replication in progress"] });
  });
});
