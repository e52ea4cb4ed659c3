// The PostgreSQL ingest's decisions without I/O (store/postgres/ingest-rows.ts).
import { describe, expect, it } from "vitest";
import { columns, databasesOf, measuredAt, overLimit, replicaRows, rounds } from "../../../src/store/postgres/ingest-rows.ts";
import type { HeartbeatPayload } from "../../../src/protocol.ts";

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, s));
const db = (name: string, extra: object = {}) => ({ name, path: `/d/${name}`, exists: true, errors: [], replicas: [], ...extra }) as HeartbeatPayload["databases"][number];
const hb = (databases: HeartbeatPayload["databases"], sentAt = at(0)): HeartbeatPayload => ({ agentVersion: "1", sentAt: sentAt.toISOString(), databases, errors: [] });

describe("rounds", () => {
  it("puts a project's later heartbeats in later rounds, in arrival order, each round ordered by project", () => {
    const batch = ["b", "a", "b", "c", "b", "a"].map((projectId, n) => ({ projectId, n }));
    expect(rounds(batch).map((r) => r.map((i) => `${i.projectId}${i.n}`))).toEqual([["a1", "b0", "c3"], ["a5", "b2"], ["b4"]]);
    expect(rounds([])).toEqual([]);
  });
});

describe("measuredAt", () => {
  it("is the heartbeat's sentAt, but never after it was received", () => {
    expect(measuredAt({ projectId: "p", hb: hb([], at(5)), receivedAt: at(9) })).toEqual(at(5));
    expect(measuredAt({ projectId: "p", hb: hb([], at(60)), receivedAt: at(9) })).toEqual(at(9));
  });
});

describe("overLimit", () => {
  it("counts stored and reported names once each; null within the limit", () => {
    expect(overLimit(["a", "b"], hb([db("b"), db("c")]), 3)).toBeNull();
    expect(overLimit(["a", "b"], hb([db("c"), db("d")]), 3)).toBe(4);
    expect(overLimit([], hb([db("a"), db("a")]), 1)).toBeNull();
  });
});

describe("databasesOf", () => {
  it("keeps a name's last entry, with an earlier entry's table counts when the last has none", () => {
    const out = databasesOf(hb([db("a", { path: "/1", tableCounts: { t: 1 } }), db("b"), db("a", { path: "/2" })]));
    expect(out.map((d) => [d.name, d.path, d.tableCounts ?? null])).toEqual([["a", "/2", { t: 1 }], ["b", "/d/b", null]]);
  });
});

describe("replicaRows", () => {
  const pos = (txid: number) => ({ generation: null, index: 0, offset: txid, txid });
  const item = (d: HeartbeatPayload["databases"][number]) => ({ projectId: "p", hb: hb([d], at(10)), receivedAt: at(11) });

  it("keeps a stored mark the report does not pass, raises it when passed, and names the replicas no longer reported", () => {
    const d = db("a", { position: pos(50), replicas: [{ type: "file", url: "file:///x", position: pos(40) }, { type: "file", url: "file:///y", position: pos(45) }] });
    const stored = [
      { id: "r-x", databaseId: "d", url: "file:///x", highTxid: "42", highTxidAt: at(1) },
      { id: "r-y", databaseId: "d", url: "file:///y", highTxid: "44", highTxidAt: at(2) },
      { id: "r-z", databaseId: "d", url: "file:///z", highTxid: null, highTxidAt: null },
    ];
    const { rows, gone } = replicaRows(item(d), "d", d, stored);
    expect(rows.map((r) => [r[3], r[11], r[12]])).toEqual([
      ["file:///x", 42, at(1).toISOString()],
      ["file:///y", 45, at(10).toISOString()],
    ]);
    expect(gone).toEqual(["r-z"]);
  });

  it("starts a new mark when the database's TXID went below the stored one (a new history)", () => {
    const d = db("a", { position: pos(3), replicas: [{ type: "file", url: "file:///x", position: pos(2) }] });
    const { rows } = replicaRows(item(d), "d", d, [{ id: "r-x", databaseId: "d", url: "file:///x", highTxid: 42, highTxidAt: at(1) }]);
    expect(rows.map((r) => [r[11], r[12]])).toEqual([[2, at(10).toISOString()]]);
  });
});

describe("columns", () => {
  it("turns rows into one array per column", () => {
    expect(columns([[1, "a"], [2, "b"]], 2)).toEqual([[1, 2], ["a", "b"]]);
    expect(columns([], 3)).toEqual([[], [], []]);
  });
});
