// A stale incident that ends because a worse status took over (Litestream stopped → error, the agent
// silent) must not say the replica caught up. Pure rendering, no I/O.
import { describe, expect, it } from "vitest";
import { textBody } from "../../src/alerts/email-body.ts";
import { headline, subject, type AlertContext } from "../../src/alerts/message.ts";
import { slackPayload } from "../../src/alerts/channels/slack.ts";

const openedAt = new Date("2026-11-29T10:00:00Z");
const stale: AlertContext = {
  event: "resolved",
  project: { id: "p1", name: "demo" },
  database: "app",
  kind: "stale",
  reason: "changes to app unreplicated for 68s (threshold 60s)",
  startedAt: openedAt,
  openedAt,
  resolvedAt: new Date(openedAt.getTime() + 68_000),
  lastBackupAt: null,
  lastPassingDrillAt: null,
  restoreCommands: [],
  dashboardUrl: "http://127.0.0.1:8787/projects/p1",
  now: new Date(openedAt.getTime() + 70_000),
};

describe("resolved stale incidents say why they ended", () => {
  it("now in error: no 'caught up' anywhere", () => {
    const c = { ...stale, statusNow: "error" };
    expect(subject(c)).toBe("[Borela] RESOLVED: demo / app — no longer reported as stale: now in error (see the ERROR alert)");
    expect(headline(c)).toBe("demo: app is no longer reported as stale, after 68s: it is now in error (see the ERROR alert), and its replica has not been seen to catch up.");
    expect(textBody(c)).not.toMatch(/caught up/i);
    expect(JSON.stringify(slackPayload(c))).not.toMatch(/caught up/i);
  });

  it("now silent", () => {
    expect(subject({ ...stale, statusNow: "silent" })).toBe("[Borela] RESOLVED: demo / app — no longer reported as stale: now silent (see the SILENT alert)");
  });

  it("fresh again (or status unknown to the renderer): the replica caught up", () => {
    expect(subject({ ...stale, statusNow: "fresh" })).toBe("[Borela] RESOLVED: demo / app — replica caught up after 68s unreplicated");
    expect(subject(stale)).toBe("[Borela] RESOLVED: demo / app — replica caught up after 68s unreplicated");
  });

  it("other kinds keep their wording whatever the status now", () => {
    expect(subject({ ...stale, kind: "error", statusNow: "error" })).toBe("[Borela] RESOLVED: demo / app — no longer in error, after 68s");
  });
});
