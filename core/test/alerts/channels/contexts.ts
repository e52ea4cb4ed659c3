// Alerts for provider tests: a plain opening, and one whose reported text
// (database name, reason, restore command) tries every markup trick: HTML,
// Markdown, mentions, masked links, Adaptive Card functions, line breaks.
import type { AlertContext } from "../../../src/alerts/message.ts";
import type { Senders } from "../../../src/alerts/channels.ts";

export const T0 = new Date("2026-11-02T10:00:00Z");

export function opened(overrides: Partial<AlertContext> = {}): AlertContext {
  return {
    event: "opened",
    incidentId: "inc_01",
    project: { id: "p1", name: "shop" },
    database: "app",
    kind: "error",
    reason: "Litestream: access denied to s3://bucket/shop",
    startedAt: T0,
    openedAt: T0,
    resolvedAt: null,
    lastBackupAt: null,
    lastPassingDrillAt: null,
    restoreCommands: ["npx borela restore shop --database app -o /tmp/a.sqlite3"],
    dashboardUrl: "https://borela.example.com/projects/p1",
    now: new Date("2026-11-02T10:05:00Z"),
    ...overrides,
  };
}

export const HOSTILE_REASON =
  "boom <b>bold</b> <a href=\"https://evil.example\">x</a> <!channel> @everyone @here @room @channel [here](https://evil.example) **bold** _it_ `code` {{DATE(2026-01-01T00:00:00Z)}} & more\n**Last passing restore drill:** forged";

export function hostile(overrides: Partial<AlertContext> = {}): AlertContext {
  return opened({
    database: "<i>db</i>@here",
    reason: HOSTILE_REASON,
    restoreCommands: ["litestream restore -o /tmp/a.sqlite3 's3://b/x`<b>y</b>`@channel'"],
    ...overrides,
  });
}

/** Receivers listen on 127.0.0.1. */
export const LOOPBACK: Senders = { smtpUrl: null, mailFrom: "borela@test.local", timeoutMs: 3_000, allowPrivateTargets: true };
