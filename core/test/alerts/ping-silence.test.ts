// Alert words for a project without an agent gone silent (agentless watching): its
// silence is Litestream's heartbeat-url ping stopping, so the alerts speak of the
// Litestream ping, not of an agent or a heartbeat. An agent's silence keeps its words.
import { describe, expect, it } from "vitest";
import { facts, headline, subject, type AlertContext } from "../../src/alerts/message.ts";
import { textBody } from "../../src/alerts/email-body.ts";

const openedAt = new Date("2026-11-29T10:00:00Z");
const startedAt = new Date(openedAt.getTime() - 150_000);
const ping: AlertContext = {
  event: "opened",
  project: { id: "p1", name: "shop" },
  database: null,
  kind: "silent",
  reason: "no Litestream ping for 2 min 30s: is Litestream running? (grace 90s after one heartbeat-interval: 1m)",
  startedAt,
  openedAt,
  resolvedAt: null,
  lastBackupAt: null,
  lastPassingDrillAt: null,
  restoreCommands: [],
  dashboardUrl: "https://borela.example.com/projects/p1",
  now: openedAt,
};
const resolved = { ...ping, event: "resolved" as const, resolvedAt: new Date(openedAt.getTime() + 30_000), now: new Date(openedAt.getTime() + 30_000) };

describe("a ping-only project's silence", () => {
  it("speaks of the Litestream ping in subjects, headlines and facts", () => {
    expect(subject(ping)).toBe("[Borela] SILENT: shop — no Litestream ping for 2 min 30s: is Litestream running?");
    expect(headline(ping)).toMatch(/^shop: Litestream is silent: no Litestream ping since .*: is Litestream running\?/);
    expect(facts(ping)[1][0]).toBe("Last Litestream ping");
    expect(subject(resolved)).toBe("[Borela] RESOLVED: shop — Litestream pinged again after 3 min of silence");
    expect(headline(resolved)).toMatch(/^shop: Litestream pinged again after 3 min of silence/);
    expect(facts(resolved).map(([label]) => label)).toContain("Pinged again");
    const body = textBody(ping);
    expect(body).not.toMatch(/\bagent\b|no heartbeat|Last heartbeat|heard from/i);
  });

  it("an agent's silence keeps its words", () => {
    const agent = { ...ping, reason: "no heartbeat for 2 min 30s (grace 2 min): is the agent running?" };
    expect(subject(agent)).toBe("[Borela] SILENT: shop — no heartbeat for 2 min 30s");
    expect(headline(agent)).toMatch(/^shop: the agent is silent: no heartbeat since/);
    expect(facts(agent)[1][0]).toBe("Last heartbeat");
    expect(subject({ ...agent, event: "resolved", resolvedAt: resolved.resolvedAt, now: resolved.now })).toBe("[Borela] RESOLVED: shop — agent heard from again after 3 min of silence");
  });
});
