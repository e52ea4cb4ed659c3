// Webhook bodies: Borela's own JSON, Slack-compatible {text, blocks} and
// Discord-compatible {content, embeds}. Lengths stay within what Slack
// (3000 per text block) and Discord (2000 content, 256 title, 4096
// description, 1024 per field) accept.
//
// Names, reasons and URLs in an alert may come from an agent: chat markup is
// escaped per provider so reported text renders as text (no mentions, links or
// formatting), and never leaves the code span a restore command sits in.
import { escapeHtml } from "../words/html.ts";
import { facts, headline, stateLabel, subject, type AlertContext } from "./message.ts";

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// Neither Slack nor Discord can escape a backtick inside a code span: it is shown as U+02CB (ˋ), line breaks as spaces.
function codeText(s: string): string {
  return s.replace(/`/g, "\u02cb").replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping): `<!channel>`, `<url|text>` need `<`. */
export function slackEscape(s: string): string {
  return escapeHtml(s, "&<>");
}

/** A Slack inline code span holding `s` verbatim (escaped, no backtick to close it early). */
function slackCode(s: string): string {
  return `\`${slackEscape(codeText(s))}\``;
}

/**
 * Discord markdown made literal: `\` before every character its parser treats as markup (emphasis, code,
 * spoilers, mentions, timestamps), before the `](` of a masked link, and before `#`, `-`, `>` that open a
 * line (headings, lists, quotes).
 */
export function discordEscape(s: string): string {
  return s
    .replace(/[\\*_~`|<@]/g, "\\$&")
    .replace(/\]\(/g, "\\](")
    .replace(/^(\s*)([#>-])/gm, "$1\\$2");
}

/** A Discord inline code span holding `s` verbatim. */
function discordCode(s: string): string {
  return `\`${codeText(s)}\``;
}

/**
 * Borela's JSON: `startedAt` is when the trouble began (the last heartbeat, the oldest unreplicated change),
 * `openedAt` when it crossed its threshold, `durationSeconds` from startedAt to resolvedAt (or now).
 * A summary (`event: "summary"`) lists the missed incidents in `incidents`, each in this same shape.
 */
export function webhookPayload(c: AlertContext): Record<string, unknown> {
  return {
    event: c.event,
    kind: c.kind,
    state: stateLabel(c.kind),
    project: c.project,
    database: c.database,
    reason: c.reason,
    startedAt: c.startedAt.toISOString(),
    openedAt: c.openedAt.toISOString(),
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    durationSeconds: Math.round(((c.resolvedAt ?? c.now).getTime() - c.startedAt.getTime()) / 1000),
    lastBackupAt: c.lastBackupAt?.toISOString() ?? null,
    lastPassingDrillAt: c.lastPassingDrillAt?.toISOString() ?? null,
    restoreCommands: c.restoreCommands,
    dashboardUrl: c.dashboardUrl,
    subject: subject(c),
    headline: headline(c),
    ...(c.items ? { incidents: c.items.map(webhookPayload) } : {}),
  };
}

/**
 * One fact line of a Slack alert. Slack's mrkdwn has no escape for `*`, `_`, `~` or line breaks, so every value
 * (which may hold reported text: an agent's error, names) is a code span, where nothing is formatted and no
 * line can be added: an agent cannot forge a row such as `*Last passing restore drill:* …`. Borela's own labels
 * are bold; a summary's labels are project and database names, so they are code spans too.
 */
function slackFact(label: string, value: string, labelIsName: boolean): string {
  return `${labelIsName ? slackCode(label) : `*${slackEscape(label)}:*`} ${slackCode(value)}`;
}

export function slackPayload(c: AlertContext) {
  const lines = facts(c).map(([k, v], i) => slackFact(k, v, c.event === "summary" && i > 0 && k !== "And"));
  return {
    text: clip(slackEscape(subject(c)), 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(slackEscape(subject(c)), 150) } },
      { type: "section", text: { type: "mrkdwn", text: clip(lines.join("\n"), 3000) } },
      ...(c.event === "summary" ? [] : [{ type: "section", text: { type: "mrkdwn", text: clipLines(c.restoreCommands.map(slackCode), 3000) || "no restore command known" } }]),
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the dashboard" }, url: c.dashboardUrl }] },
    ],
  };
}

/** Whole lines up to max characters: a code span is never cut open (a cut one would let the rest out of it). */
function clipLines(lines: string[], max: number): string {
  let out = "";
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line;
    if (next.length > max) return out || "restore command too long to show; see the dashboard";
    out = next;
  }
  return out;
}

const DISCORD_COLOR = { resolved: 0x2e7d32, test: 0x1565c0, alert: 0xc62828 };

export function discordPayload(c: AlertContext) {
  const [, ...rest] = facts(c);
  return {
    content: clip(discordEscape(subject(c)), 2000),
    // Nothing an alert says may ping anyone (@everyone, @here, users, roles).
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: clip(discordEscape(subject(c)), 256),
        description: clip(discordEscape(facts(c)[0][1]), 4096),
        url: c.dashboardUrl,
        color: c.event === "resolved" || c.event === "missed" || c.event === "summary" ? DISCORD_COLOR.resolved : c.event === "test" ? DISCORD_COLOR.test : DISCORD_COLOR.alert,
        fields: [
          ...rest.map(([name, value]) => ({ name: clip(discordEscape(name), 256), value: clip(discordEscape(value), 1024) })),
          ...(c.event === "summary" ? [] : [{ name: "Restore", value: clipLines(c.restoreCommands.map(discordCode), 1024) || "no restore command known" }]),
        ],
      },
    ],
  };
}
