import { describe, expect, it } from "vitest";
import { MISSING_AFTER_HEARTBEATS, evaluateDatabase, evaluateProject, worstStatus, type DatabaseState } from "../../src/freshness/status.ts";
import { ago, db, now, rep, t } from "./states.ts";

describe("evaluateDatabase", () => {
  const cases: [string, DatabaseState, string, RegExp][] = [
    ["never reported", db({ lastHeartbeatAt: null }), "unknown", /no heartbeat received yet/],
    ["caught up", db(), "fresh", /caught up/],
    ["idle for days is still fresh", db({ replicas: [rep({ url: "s3://b/a", pendingSince: null, lastError: null })] }), "fresh", /caught up/],
    ["pending under threshold", db({ replicas: [rep({ url: "s3://b/a", pendingSince: ago(299), lastError: null })] }), "fresh", /in progress/],
    ["pending over threshold", db({ replicas: [rep({ url: "s3://b/a", pendingSince: ago(301), lastError: null })] }), "stale", /unreplicated for 5 min 1s on s3:\/\/b\/a \(threshold 5 min\)/],
    ["heartbeat beyond grace", db({ lastHeartbeatAt: ago(121) }), "silent", /no heartbeat since 2026-11-25T11:57:59.000Z \(grace 2 min\)/],
    ["heartbeat at grace", db({ lastHeartbeatAt: ago(120) }), "fresh", /caught up/],
    ["file missing", db({ exists: false }), "error", /database file missing at \/data\/app.sqlite3/],
    ["agent error", db({ errors: ["litestream cannot start: bad config"] }), "error", /litestream cannot start/],
    ["replica error", db({ replicas: [rep({ url: "s3://b/a", pendingSince: null, lastError: "InvalidAccessKeyId" })] }), "error", /replica s3:\/\/b\/a: InvalidAccessKeyId/],
    ["no replica", db({ replicas: [] }), "error", /no replica configured/],
    ["error wins over stale", db({ exists: false, replicas: [rep({ url: "s3://b/a", pendingSince: ago(1000), lastError: null })] }), "error", /missing/],
    ["silent wins over error", db({ exists: false, lastHeartbeatAt: ago(500) }), "silent", /no heartbeat/],
  ];
  it.each(cases)("%s", (_name, state, status, reason) => {
    const v = evaluateDatabase(state, t, now);
    expect(v.status).toBe(status);
    expect(v.reasons.join("\n")).toMatch(reason);
  });

  it("a replica error that names its replica already is not prefixed with it again (a tester: 'replica s3://…: cannot read replica s3://…: …')", () => {
    const url = "s3://b/a?endpoint=http%3A%2F%2F127.0.0.1%3A9000";
    const v = evaluateDatabase(db({ replicas: [rep({ url, pendingSince: null, lastError: `cannot read replica ${url}: ECONNREFUSED` })] }), t, now);
    expect(v).toEqual({ status: "error", reasons: [`cannot read replica ${url}: ECONNREFUSED`] });
  });

  it("one stale replica among two makes the database stale", () => {
    const v = evaluateDatabase(
      db({
        replicas: [
          rep({ url: "s3://b/a", pendingSince: null, lastError: null }),
          rep({ url: "file:///backup/a", pendingSince: ago(900), lastError: null }),
        ],
      }),
      t,
      now,
    );
    expect(v.status).toBe("stale");
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toContain("file:///backup/a");
  });
});

describe("evaluateProject", () => {
  it("takes the worst database status and its reasons", () => {
    const v = evaluateProject(
      { ...t, lastHeartbeatAt: ago(5) },
      [db({ name: "a" }), db({ name: "b", exists: false, path: "/data/b.sqlite3" })],
      now,
    );
    expect(v.status).toBe("error");
    expect(v.reasons).toEqual(["database file missing at /data/b.sqlite3"]);
    expect(v.databases.map((d) => d.status)).toEqual(["fresh", "error"]);
  });

  it("is silent when the agent stopped, whatever the databases said last", () => {
    const v = evaluateProject({ ...t, lastHeartbeatAt: ago(600) }, [db({ lastHeartbeatAt: ago(600) })], now);
    expect(v.status).toBe("silent");
    expect(v.databases[0].status).toBe("silent");
  });

  it("a database in the latest heartbeat is not silent before its project: its time (when sent) is a little older", () => {
    // Sent 0.3 s before the core received it: 120.1 s later the database alone would be past the grace.
    const v = evaluateProject({ ...t, lastHeartbeatAt: ago(119.8) }, [db({ lastHeartbeatAt: ago(120.1) })], now);
    expect(v.status).toBe("fresh");
    expect(v.databases[0].status).toBe("fresh");
    // A database the latest heartbeats left out keeps its own time.
    const left = evaluateProject({ ...t, lastHeartbeatAt: ago(5) }, [db({ lastHeartbeatAt: ago(200), missedHeartbeats: 1 })], now);
    expect(left.databases[0].status).toBe("silent");
  });

  it("is unknown before the first heartbeat and error when the agent reports no database", () => {
    expect(evaluateProject({ ...t, lastHeartbeatAt: null }, [], now).status).toBe("unknown");
    const empty = evaluateProject({ ...t, lastHeartbeatAt: ago(1) }, [], now);
    expect(empty.status).toBe("error");
    expect(empty.reasons[0]).toMatch(/no databases/);
  });
});

describe("worstStatus", () => {
  it("orders silent > error > stale > unknown > fresh", () => {
    expect(worstStatus(["fresh", "stale", "unknown"])).toBe("stale");
    expect(worstStatus(["stale", "error"])).toBe("error");
    expect(worstStatus(["error", "silent", "fresh"])).toBe("silent");
    expect(worstStatus([])).toBe("fresh");
  });
});

describe("silence with a refused token", () => {
  it("names the revoked token as the cause when the agent kept knocking after its last accepted heartbeat", () => {
    const v = evaluateProject({ ...t, lastHeartbeatAt: ago(300) }, [db({ lastHeartbeatAt: ago(300) })], now, { at: ago(5), reason: "revoked" });
    expect(v.status).toBe("silent");
    // Issue 14: the cause first, so the alert's subject names it (not only "is the agent running?").
    expect(v.reasons[0]).toBe("the agent is sending heartbeats with a revoked agent token: give it the project's current token");
    expect(v.reasons[1]).toMatch(/is the agent running\?$/);
    const older = evaluateProject({ ...t, lastHeartbeatAt: ago(300) }, [db({ lastHeartbeatAt: ago(300) })], now, { at: ago(400), reason: "revoked" });
    expect(older.reasons).toHaveLength(1);
  });
});

describe("no backup yet (fault 10)", () => {
  it.each([
    ["no replica position", rep({ url: "s3://b/app", hasPosition: false }), /^no backup yet: app has no replicated position on s3:\/\/b\/app$/],
    ["no snapshot", rep({ url: "s3://b/app", lastSnapshotAt: null }), /^no backup yet: app has no snapshot on s3:\/\/b\/app$/],
    ["neither", rep({ url: "s3://b/app", hasPosition: false, lastSnapshotAt: null }), /^no backup yet: app has no snapshot on s3:\/\/b\/app$/],
  ])("%s: unknown, never fresh", (_name, replica, reason) => {
    const v = evaluateDatabase(db({ replicas: [replica] }), t, now);
    expect(v.status).toBe("unknown");
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatch(reason);
  });

  it("an error or a stale change still wins over no backup yet", () => {
    expect(evaluateDatabase(db({ replicas: [rep({ url: "s3://b/a", lastSnapshotAt: null, lastError: "AccessDenied" })] }), t, now).status).toBe("error");
    expect(evaluateDatabase(db({ replicas: [rep({ url: "s3://b/a", lastSnapshotAt: null, pendingSince: ago(400) })] }), t, now).status).toBe("stale");
  });

  it("one database without a backup keeps the whole project from fresh", () => {
    const v = evaluateProject({ ...t, lastHeartbeatAt: ago(5) }, [db({ name: "a" }), db({ name: "b", replicas: [rep({ url: "s3://b/b", hasPosition: false })] })], now);
    expect(v.status).toBe("unknown");
    expect(v.reasons).toEqual(["no backup yet: b has no replicated position on s3://b/b"]);
  });
});

describe("a database the agent no longer reports (fault 8)", () => {
  it.each([
    [0, "fresh"],
    [MISSING_AFTER_HEARTBEATS - 1, "fresh"],
    [MISSING_AFTER_HEARTBEATS, "error"],
    [MISSING_AFTER_HEARTBEATS + 40, "error"],
  ])("%i heartbeats without it: %s", (missed, status) => {
    const v = evaluateDatabase(db({ name: "app.sqlite3", missedHeartbeats: missed }), t, now);
    expect(v.status).toBe(status);
    if (status === "error") expect(v.reasons).toEqual(["the agent no longer reports app.sqlite3 — removed from its configuration?"]);
  });

  it("says so instead of silent, once its own last report is older than the grace, while the agent is heard from", () => {
    const v = evaluateProject({ ...t, lastHeartbeatAt: ago(5) }, [db({ name: "gone", lastHeartbeatAt: ago(900), missedHeartbeats: 30 }), db({ name: "kept" })], now);
    expect(v.status).toBe("error");
    expect(v.reasons).toEqual(["the agent no longer reports gone — removed from its configuration?"]);
  });

  it("a silent agent stays silent: the database is not blamed", () => {
    const v = evaluateProject({ ...t, lastHeartbeatAt: ago(600) }, [db({ lastHeartbeatAt: ago(600), missedHeartbeats: 5 })], now);
    expect(v.status).toBe("silent");
  });
});

describe("issue 14: reasons lead with the cause, each said once", () => {
  it("an unwritable replica: the write failure comes before the retention failure it causes", () => {
    const retention = "litestream l0 retention enforcement failed: remove /tmp/tester14/replicas/shop/ltx/0/0000000000000001-0000000000000003.ltx: permission denied";
    const upload = "LTX file upload failed: permission denied (open /tmp/tester14/replicas/shop/ltx/0/0000000000000004-0000000000000004.ltx.tmp: permission denied)";
    const v = evaluateDatabase(db({ errors: [retention], replicas: [rep({ url: "file:///tmp/tester14/replicas/shop", lastError: upload })] }), t, now);
    expect(v.status).toBe("error");
    expect(v.reasons).toEqual([`replica file:///tmp/tester14/replicas/shop: ${upload}`, retention]);
  });
  it("a moved database file is told once, in the agent's words", () => {
    const moved = "database file /data/app.sqlite3 was moved or deleted: nothing at /data/app.sqlite3 any more, Litestream still holds the old file";
    expect(evaluateDatabase(db({ exists: false, errors: [moved] }), t, now).reasons).toEqual([moved]);
  });
});
