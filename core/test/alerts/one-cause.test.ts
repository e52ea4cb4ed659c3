// Issue 14: a stuck Litestream sent 8 emails in 18 s for one cause (STALE, then ERROR, then a stale
// RESOLVED "now in error", for each of the project's two databases, then two error resolves). The pure
// decisions that make one cause one alert per project: a stale incident an error took over is not told
// on its own; a stale verdict reached by the core's clock waits for the agent's next heartbeat; the same
// news about several databases of one project goes out as one message naming each.
import { describe, expect, it } from "vitest";
import { endedInSilence, staleAwaitsHeartbeat, supersedingError, type IncidentRef } from "../../src/alerts/cause.ts";
import { groupContext, groupKey, namesInWords, type GroupMember } from "../../src/alerts/grouping.ts";
import { textBody } from "../../src/alerts/email-body.ts";
import { headline, subject, type AlertContext } from "../../src/alerts/message.ts";

const t = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, 0) + s * 1000);
const inc = (over: Partial<IncidentRef>): IncidentRef => ({ id: "s1", projectId: "p", databaseId: "db1", kind: "stale", openedAt: t(0), resolvedAt: null, clearedAt: null, ...over });

describe("supersedingError: the error that took a stale incident over", () => {
  const error = inc({ id: "e1", kind: "error", openedAt: t(12) });

  it("an error on the same database opened when the stale condition went away takes it over", () => {
    expect(supersedingError(inc({ clearedAt: t(12) }), [error])).toBe(error);
    expect(supersedingError(inc({ clearedAt: t(12), resolvedAt: t(12) }), [error])).toBe(error);
  });

  it("a stale incident still open, or one that ended before the error, is its own story", () => {
    expect(supersedingError(inc({}), [error])).toBeNull();
    expect(supersedingError(inc({ clearedAt: t(5), resolvedAt: t(5) }), [error])).toBeNull();
  });

  it("another database's error, an error that was there before, or a project-level stale incident takes nothing over", () => {
    expect(supersedingError(inc({ clearedAt: t(12) }), [{ ...error, databaseId: "db2" }])).toBeNull();
    expect(supersedingError(inc({ openedAt: t(20), clearedAt: t(30) }), [error])).toBeNull();
    expect(supersedingError(inc({ databaseId: null, clearedAt: t(12) }), [{ ...error, databaseId: null }])).toBeNull();
    expect(supersedingError(error, [inc({ clearedAt: t(12) })])).toBeNull();
  });
});

describe("endedInSilence: a stale incident the core's clock judged while nobody could report", () => {
  const silent = inc({ id: "s1", kind: "silent", databaseId: null, openedAt: t(8), resolvedAt: t(15) });

  it("a stale incident that ended during or overlapping the project's silence is the silence's story", () => {
    expect(endedInSilence(inc({ openedAt: t(6), resolvedAt: t(15) }), [silent], t(20))).toBe(silent);
    expect(endedInSilence(inc({ openedAt: t(9), clearedAt: t(12) }), [silent], t(20))).toBe(silent);
    expect(endedInSilence(inc({ openedAt: t(9), resolvedAt: t(16) }), [{ ...silent, resolvedAt: null }], t(20))).toEqual({ ...silent, resolvedAt: null });
  });

  it("a stale incident still open, one that ended before the silence or began after it, or another project's silence: its own story", () => {
    expect(endedInSilence(inc({ openedAt: t(9) }), [silent], t(20))).toBeNull();
    expect(endedInSilence(inc({ openedAt: t(1), resolvedAt: t(5) }), [silent], t(20))).toBeNull();
    expect(endedInSilence(inc({ openedAt: t(16), resolvedAt: t(18) }), [silent], t(20))).toBeNull();
    expect(endedInSilence(inc({ openedAt: t(9), resolvedAt: t(12) }), [{ ...silent, projectId: "other" }], t(20))).toBeNull();
    expect(endedInSilence(inc({ kind: "error", openedAt: t(9), resolvedAt: t(12) }), [silent], t(20))).toBeNull();
  });
});

describe("staleAwaitsHeartbeat: a stale incident the core's clock opened waits for the agent's word", () => {
  // Changes wait since t(0), threshold 60 s: the sweep at t(60) opened the incident.
  const e = { openedAt: t(60), pendingSince: t(0), staleAfterSeconds: 60 };
  it("opened after the last heartbeat: wait; a heartbeat at or after the opening + one sample: announce", () => {
    expect(staleAwaitsHeartbeat({ ...e, lastHeartbeatAt: t(55) })).toBe(true);
    // The agent samples its stuck check every few seconds: a heartbeat just after the crossing may not know yet.
    expect(staleAwaitsHeartbeat({ ...e, lastHeartbeatAt: t(62) })).toBe(true);
    expect(staleAwaitsHeartbeat({ ...e, lastHeartbeatAt: t(65) })).toBe(false);
    expect(staleAwaitsHeartbeat({ ...e, lastHeartbeatAt: t(85) })).toBe(false);
  });
  it("a heartbeat that itself reported a change older than the threshold is its own confirmation; no heartbeat: nothing to wait for", () => {
    expect(staleAwaitsHeartbeat({ openedAt: t(0), pendingSince: t(-120), staleAfterSeconds: 60, lastHeartbeatAt: t(0) })).toBe(false);
    expect(staleAwaitsHeartbeat({ ...e, pendingSince: null, lastHeartbeatAt: t(55) })).toBe(true);
    expect(staleAwaitsHeartbeat({ ...e, lastHeartbeatAt: null })).toBe(false);
  });
  it("bounded by the incident: a pendingSince the agent reset (Litestream restarted) does not move the crossing", () => {
    // Issue 14: frozen Litestream, stale opened at t(60); the agent restarted Litestream and its reported
    // pendingSince became t(69), then t(89): pendingSince + threshold kept moving ahead of every heartbeat.
    expect(staleAwaitsHeartbeat({ ...e, pendingSince: t(69), lastHeartbeatAt: t(70) })).toBe(false);
    expect(staleAwaitsHeartbeat({ ...e, pendingSince: t(89), lastHeartbeatAt: t(90) })).toBe(false);
  });
});

describe("grouping: one message per project, kind and event", () => {
  const member = (over: Partial<GroupMember["incident"]> & { event?: string; channel?: string; seq?: number } = {}): GroupMember => ({
    channel: over.channel ?? "email:ops@example.com",
    event: over.event ?? "opened",
    seq: over.seq ?? 0,
    incident: { projectId: "p", databaseId: "db1", kind: "error", resolved: false, ...over },
  });

  it("two databases of one project opening the same kind to one channel share a key", () => {
    expect(groupKey(member())).toBe(groupKey(member({ databaseId: "db2" })));
    expect(groupKey(member({ event: "resolved", resolved: true }))).toBe(groupKey(member({ databaseId: "db2", event: "resolved", resolved: true })));
  });

  it("another kind, project, channel, event or reminder number goes apart; project-level and missed go alone", () => {
    const k = groupKey(member());
    expect(groupKey(member({ databaseId: "db2", kind: "stale" }))).not.toBe(k);
    expect(groupKey(member({ databaseId: "db2", projectId: "q" }))).not.toBe(k);
    expect(groupKey(member({ databaseId: "db2", channel: "ch1" }))).not.toBe(k);
    expect(groupKey(member({ databaseId: "db2", event: "reminder", seq: 1 }))).not.toBe(groupKey(member({ event: "reminder", seq: 2 })));
    expect(groupKey(member({ databaseId: null }))).toBeNull();
    expect(groupKey(member({ event: "missed", resolved: true }))).toBeNull();
  });

  it("names each database in the subject and body, says 'are', keeps each reason and every restore command", () => {
    const reason = (name: string) => `the replica position has not moved for 61s while the database changed (replica stopped at index 0, offset 4152, the database file changed since): Litestream is stuck or cannot write to file:///r/${name}`;
    const item = (name: string, startedAt: Date): AlertContext => ({
      event: "opened", project: { id: "p", name: "demo" }, database: name, kind: "error", reason: reason(name), startedAt, openedAt: startedAt, resolvedAt: null,
      lastBackupAt: t(-5), lastPassingDrillAt: null, restoreCommands: [`borela restore demo --database ${name}`], dashboardUrl: "https://b.example/projects/p", now: t(70),
    });
    const group = groupContext([item("app", t(2)), item("borela", t(1))]);
    expect(group.database).toBe("app and borela");
    expect(group.startedAt).toEqual(t(1));
    expect(subject(group)).toMatch(/^\[Borela\] ERROR: demo \/ app and borela — the replica position has not moved for 61s/);
    expect(headline(group)).toMatch(/^demo: app and borela are in error: /);
    const text = textBody(group);
    expect(text).toContain(`app: ${reason("app")}`);
    expect(text).toContain(`borela: ${reason("borela")}`);
    expect(text).toContain("borela restore demo --database app");
    expect(text).toContain("borela restore demo --database borela");
    expect(headline(groupContext([{ ...item("app", t(0)), kind: "stale" }, { ...item("borela", t(0)), kind: "stale" }]))).toMatch(/^demo: the backups of app and borela are stale: /);
    expect(namesInWords(["a", "b", "c"])).toBe("a, b and c");
    expect(groupContext([item("app", t(0))])).toEqual(item("app", t(0)));
  });
});
