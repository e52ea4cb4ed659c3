// The dashboard's pure decisions: the four answers, worst-first order of the
// overview by both statuses, Litestream positions in words, times in UTC.
import { describe, expect, it } from "vitest";
import { freshAnswer, hearAnswer, passedAnswer, restoreAnswer } from "../src/lib/answers.ts";
import { position, positionWords, until, utcTime } from "../src/lib/format.ts";
import { urgency } from "../src/lib/status.ts";
import type { DatabaseDrill, DatabaseView, ProjectDetail } from "../src/lib/types.ts";

const drill = (over: Partial<DatabaseDrill> = {}): DatabaseDrill => ({
  id: "d1", status: "passed", database: "app", startedAt: null, finishedAt: "2026-11-29T10:00:00Z", restoreSeconds: 0.5, rpoSeconds: 0, error: null,
  check: "integrity_check", integrity: "ok", tables: 2, rows: 157, restorePoint: null, failures: [], ...over,
});
const db = (name: string, over: Partial<DatabaseView> = {}) => ({ id: name, name, lagSeconds: 0, lastDrill: null, notes: [], ...over }) as DatabaseView;
const project = (over: Partial<ProjectDetail> = {}) =>
  ({
    id: "p", name: "shop", status: "fresh", drillStatus: "none", staleAfterSeconds: 300, databases: [db("app")], lastDrill: null,
    alerting: { channels: [], emailConfigured: true, warning: null }, ...over,
  }) as ProjectDetail;

describe("the four answers", () => {
  it("is the backup fresh: yes, no with the lag and the threshold as set, not known yet", () => {
    expect(freshAnswer(project())).toMatchObject({ mark: "yes", headline: "Yes: the replica has caught up with the database" });
    expect(freshAnswer(project({ status: "stale", databases: [db("app", { lagSeconds: 400 })] }))).toMatchObject({
      mark: "no",
      headline: "No: changes un-replicated for 6 min 40 s, longer than the 5 min threshold",
    });
    expect(freshAnswer(project({ status: "stale", staleAfterSeconds: 5, databases: [db("app", { lagSeconds: 9.2 })] })).headline).toBe(
      "No: changes un-replicated for 9.2 s, longer than the 5 s threshold",
    );
    expect(freshAnswer(project({ status: "unknown" })).mark).toBe("unknown");
  });

  it("can it restore: follows drillStatus, naming the database whose drill failed", () => {
    expect(restoreAnswer(project({ drillStatus: "passed", lastDrill: drill() }))).toMatchObject({ mark: "yes", headline: "Yes: the last drill restored app in 500 ms" });
    const failed = project({ drillStatus: "failed", lastDrill: drill(), databases: [db("app", { lastDrill: drill() }), db("jobs", { lastDrill: drill({ database: "jobs", status: "failed" }) })] });
    expect(restoreAnswer(failed)).toMatchObject({ mark: "no", headline: "No: the last drill of jobs failed" });
    expect(restoreAnswer(project({ drillStatus: "overdue" })).mark).toBe("warn");
    expect(restoreAnswer(project({ drillStatus: "none", status: "stale" })).headline).toBe("Not yet: the first drill runs once the backup is fresh");
    // Issue 14: a replica the core cannot read gets no first drill; "on its way" promised one that never came.
    const outside = "file replica /srv/r is outside BORELA_FILE_REPLICA_ROOTS (/data): the core drills file replicas only under those directories; add the replica's directory to BORELA_FILE_REPLICA_ROOTS where the drill runs";
    const blocked = restoreAnswer(project({ drillStatus: "none", status: "fresh", databases: [db("app", { drillProblem: outside })] }));
    expect(blocked).toMatchObject({ mark: "no", headline: `No: drills cannot run: app: ${outside}` });
    expect(blocked.headline).not.toMatch(/on its way/);
  });

  it("did it pass: per database, warning while some database was never drilled", () => {
    expect(passedAnswer(project()).mark).toBe("unknown");
    expect(passedAnswer(project({ databases: [db("app", { lastDrill: drill() })] })).mark).toBe("yes");
    expect(passedAnswer(project({ databases: [db("app", { lastDrill: drill() }), db("jobs")] }))).toMatchObject({ mark: "warn", headline: "Passed for 1 of 2 databases; the others were never drilled" });
    expect(passedAnswer(project({ databases: [db("app", { lastDrill: drill({ status: "error" }) })] }))).toMatchObject({ mark: "no", headline: "No: app did not pass its checks" });
  });

  it("will someone hear: no channel, email without SMTP, a webhook beside unsent email, all good", () => {
    expect(hearAnswer(project())).toMatchObject({ mark: "no", headline: "No: no alert channel" });
    const email = { type: "email", target: "ops@example.com", source: "BORELA_ALERT_EMAIL", failing: null };
    const hook = { type: "webhook", target: "https://example.com/h", source: "project", failing: null };
    expect(hearAnswer(project({ alerting: { channels: [email], emailConfigured: false, warning: "w" } })).mark).toBe("no");
    expect(hearAnswer(project({ alerting: { channels: [email, hook], emailConfigured: false, warning: "w" } })).mark).toBe("warn");
    expect(hearAnswer(project({ alerting: { channels: [email, hook], emailConfigured: true, warning: null } }))).toMatchObject({ mark: "yes", headline: "Yes: 2 channels" });
  });

  it("will someone hear: not a plain yes while the only channel's attempts are failing (issue 14, SMTP down)", () => {
    const failing = { attempts: 4, since: "2026-11-29T14:02:00.000Z", lastError: "connect ECONNREFUSED 127.0.0.1:2614" };
    const email = { type: "email", target: "ops@example.com", source: "BORELA_ALERT_EMAIL", failing };
    const hook = { type: "webhook", target: "https://example.com/h", source: "project", failing: null };
    const warning = "email: the last 4 attempts failed since 14:02: connect ECONNREFUSED 127.0.0.1:2614. Nobody hears until it answers again.";
    expect(hearAnswer(project({ alerting: { channels: [email], emailConfigured: true, warning } }))).toMatchObject({ mark: "no", headline: "No: email delivery is failing (4 failed attempts in a row)" });
    expect(hearAnswer(project({ alerting: { channels: [email, hook], emailConfigured: true, warning } }))).toMatchObject({ mark: "warn", headline: "Partly: 1 of 2 channels hear; email delivery is failing" });
  });
});

describe("will someone hear while paused", () => {
  const hook = { type: "webhook", target: "https://example.com/h", source: "project", failing: null };
  const email = { type: "email", target: "ops@example.com", source: "BORELA_ALERT_EMAIL", failing: null };
  const pausedUntil = "2026-11-28T14:00:00.000Z";
  it("is not a plain yes: alerts are held until the window ends, then the channels hear", () => {
    const warning = "paused until 14:00 UTC: migrating — alerts are held until then.";
    const all = { channels: Array(13).fill(hook), emailConfigured: true, warning };
    expect(hearAnswer(project({ pausedUntil, pauseReason: "migrating", alerting: all }))).toMatchObject({
      mark: "warn",
      headline: "Not until Sat 14:00 UTC: alerts are held while paused (then 13 channels)",
    });
    // A pause is not read as email without SMTP.
    expect(hearAnswer(project({ pausedUntil, alerting: { channels: [email], emailConfigured: true, warning } })).headline).toBe(
      "Not until Sat 14:00 UTC: alerts are held while paused (then 1 channel)",
    );
    expect(hearAnswer(project({ pausedUntil, alerting: { channels: [], emailConfigured: true, warning } }))).toMatchObject({ mark: "no", headline: "No: no alert channel" });
    expect(hearAnswer(project({ pausedUntil: null, alerting: { ...all, warning: null } }))).toMatchObject({ mark: "yes", headline: "Yes: 13 channels" });
  });
});

describe("overview order", () => {
  it("puts the worse of the two answers first: a fresh project with a failed drill before a fresh undrilled one, after a silent one", () => {
    const rows = [
      { name: "ok", status: "fresh", drillStatus: "passed" },
      { name: "undrilled", status: "fresh", drillStatus: "none" },
      { name: "drill-failed", status: "fresh", drillStatus: "failed" },
      { name: "overdue", status: "fresh", drillStatus: "overdue" },
      { name: "silent", status: "silent", drillStatus: "passed" },
      { name: "stale", status: "stale", drillStatus: "passed" },
    ];
    expect([...rows].sort((a, b) => urgency(a) - urgency(b)).map((r) => r.name)).toEqual(["silent", "drill-failed", "stale", "overdue", "undrilled", "ok"]);
  });
});

describe("words for Litestream's terms and the schedule", () => {
  it("says a position in words", () => {
    expect(positionWords({ generation: "be7a0689e3f1c2d4", index: 0, offset: 131872 })).toBe("generation be7a0689, WAL index 0, offset 131,872");
    expect(positionWords(null)).toBe("no position yet");
    expect(positionWords({ generation: null, index: 0, offset: 4200, txid: 4200 })).toBe("TXID 4,200");
    expect(position({ generation: null, index: 0, offset: 42, txid: 42 })).toBe("000000000000002a");
    expect(position({ generation: "be7a0689e3f1c2d4", index: 1, offset: 16 })).toBe("be7a0689/00000001:16");
  });
  it("shows the next drill in UTC with how far away it is", () => {
    const now = Date.parse("2026-11-25T09:00:00Z");
    expect(utcTime("2026-11-28T11:48:00Z")).toBe("Sat 11:48 UTC");
    expect(until("2026-11-28T11:48:00Z", now)).toBe("in 3 days");
    expect(until("2026-11-25T14:00:00Z", now)).toBe("in 5 h");
    expect(until("2026-11-25T09:20:00Z", now)).toBe("in 20 min");
  });
});
