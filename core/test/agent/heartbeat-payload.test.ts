import { describe, expect, it } from "vitest";
import { databaseInputs, filesReplaced, heartbeatPayload, logErrorWindowMs } from "../../src/agent/heartbeat-payload.ts";
import { replicaKey } from "../../src/agent/log-errors.ts";
import { NO_STORAGE_ERROR } from "../../src/agent/managed.ts";
import { restartDecision } from "../../src/agent/sampler.ts";
import { jitter } from "../../src/agent/timers.ts";

const now = new Date("2026-01-01T12:00:00Z");
const current = () => ({ replicas: new Map<string, string>(), databases: new Map<string, string[]>(), notes: new Map<string, string[]>() });
const base = { path: "/data/app.db", replicaNames: ["s3"], managed: false, managedStorageMissing: false, litestream: { errors: [], notes: [] }, replaced: undefined, now };

describe("databaseInputs", () => {
  it("gives each replica its log error and each database its own errors, Litestream's, then the ones of no database", () => {
    const c = current();
    c.replicas.set(replicaKey("/data/app.db", "s3"), "upload failed: AccessDenied");
    c.replicas.set(replicaKey("/data/other.db", "s3"), "not this database");
    c.databases.set("/data/app.db", ["database is locked"]);
    c.databases.set("", ["disk full"]);
    c.notes.set("/data/app.db", ["checkpoint slow"]);
    const out = databaseInputs({ ...base, current: c, litestream: { errors: ["Litestream is not running: ECONNREFUSED"], notes: ["restarted 2 times"] } });
    expect([...out.logErrors]).toEqual([["s3", "upload failed: AccessDenied"]]);
    expect(out.errors).toEqual(["Litestream is not running: ECONNREFUSED", "database is locked", "disk full"]);
    expect(out.notes).toEqual(["restarted 2 times", "checkpoint slow"]);
  });

  it("says no storage is configured only for a managed database while the core has none", () => {
    expect(databaseInputs({ ...base, current: current(), managed: true, managedStorageMissing: true }).errors).toEqual([NO_STORAGE_ERROR]);
    expect(databaseInputs({ ...base, current: current(), managed: false, managedStorageMissing: true }).errors).toEqual([]);
    expect(databaseInputs({ ...base, current: current(), managed: true, managedStorageMissing: false }).errors).toEqual([]);
  });

  it("notes a replaced file for an hour after it was seen", () => {
    const replaced = { message: "database file /data/app.db was replaced", at: new Date(now.getTime() - 59 * 60_000) };
    expect(databaseInputs({ ...base, current: current(), replaced }).notes).toEqual([
      "database file /data/app.db was replaced (seen 2026-01-01T11:01:00.000Z; Litestream restarted on the new file)",
    ]);
    expect(databaseInputs({ ...base, current: current(), replaced: { ...replaced, at: new Date(now.getTime() - 60 * 60_000) } }).notes).toEqual([]);
  });
});

describe("filesReplaced", () => {
  it("picks only the databases whose identity problem is a replaced file", () => {
    const found = filesReplaced(
      [
        { path: "/a.db", problem: "database file /a.db was replaced (inode 1 → 2)" },
        { path: "/b.db", problem: "database file /b.db is missing" },
        { path: "/c.db", problem: null },
      ],
      now,
    );
    expect(found).toEqual([{ path: "/a.db", message: "database file /a.db was replaced (inode 1 → 2)", at: now }]);
  });
});

describe("heartbeatPayload", () => {
  it("stamps the time, keeps at most 50 agent errors, redacts known secrets and clips each error", () => {
    const p = heartbeatPayload({
      agentVersion: "1.2.3",
      litestreamVersion: null,
      now,
      sequence: 7,
      agentId: "host-abcd",
      hostname: "h".repeat(300),
      mode: "managed",
      databases: [],
      agentErrors: ["token s3cr3t-token rejected", ...Array.from({ length: 60 }, () => "x".repeat(3000))],
      secrets: ["s3cr3t-token"],
    });
    expect(p.sentAt).toBe("2026-01-01T12:00:00.000Z");
    expect(p.sequence).toBe(7);
    expect(p.hostname).toHaveLength(255);
    expect(p.errors).toHaveLength(50);
    expect(p.errors![0]).toBe("token REDACTED rejected");
    expect(p.errors![1]).toHaveLength(1900);
  });

  it("keeps errors of no operation reported for three heartbeat intervals, at least a minute", () => {
    expect(logErrorWindowMs(5_000)).toBe(60_000);
    expect(logErrorWindowMs(30_000)).toBe(90_000);
  });
});

describe("restartDecision", () => {
  it("restarts for a writable-again directory before a stuck replica, and not at all without either", () => {
    expect(restartDecision(["s3://b/p"], ["file:///r"])).toMatchObject({ reason: "replica writable again: file:///r", replicas: "file:///r" });
    expect(restartDecision(["s3://b/p", "s3://b/q"], [])).toMatchObject({ reason: "replica stuck: s3://b/p, s3://b/q" });
    expect(restartDecision([], [])).toBeNull();
  });
});

describe("jitter", () => {
  it("stays within ±10% and is never below 1 ms", () => {
    expect(jitter(1000, 0.1, () => 0)).toBe(900);
    expect(jitter(1000, 0.1, () => 1)).toBe(1100);
    expect(jitter(0, 0.1, () => 0.5)).toBe(1);
  });
});
