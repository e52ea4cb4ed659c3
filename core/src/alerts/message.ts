// What an alert says, built once and rendered per channel: email (text and
// HTML), generic JSON webhook, Slack, Discord.
import { formatDuration } from "../freshness/status.ts";
import type { AlertEvent } from "./decisions.ts";

export interface AlertContext {
  event: AlertEvent | "test";
  project: { id: string; name: string };
  database: string | null;
  kind: string;
  reason: string;
  openedAt: Date;
  resolvedAt: Date | null;
  lastBackupAt: Date | null;
  lastPassingDrillAt: Date | null;
  restoreCommands: string[];
  dashboardUrl: string;
  now: Date;
}

const LABEL: Record<string, string> = {
  stale: "STALE",
  silent: "SILENT",
  error: "ERROR",
  drill_failed: "DRILL FAILED",
  drill_overdue: "DRILL OVERDUE",
  test: "TEST",
};

export function subject(c: AlertContext): string {
  const where = c.database ? `${c.project.name} / ${c.database}` : c.project.name;
  if (c.event === "test") return `[Borela] TEST: alerts for ${c.project.name} reach you`;
  if (c.event === "resolved") return `[Borela] RESOLVED: ${where} is back (${LABEL[c.kind] ?? c.kind} lasted ${formatDuration(seconds(c.openedAt, c.resolvedAt ?? c.now))})`;
  const prefix = c.event === "reminder" ? "STILL " : "";
  return `[Borela] ${prefix}${LABEL[c.kind] ?? c.kind.toUpperCase()}: ${where} — ${firstSentence(c.reason)}`;
}

function seconds(a: Date, b: Date): number {
  return (b.getTime() - a.getTime()) / 1000;
}

function firstSentence(reason: string): string {
  const s = reason.split("; ")[0];
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function when(d: Date | null, now: Date): string {
  return d ? `${d.toISOString()} (${formatDuration(seconds(d, now))} ago)` : "never";
}

export function textBody(c: AlertContext): string {
  const lines = [
    c.event === "resolved"
      ? `${c.project.name}${c.database ? ` / ${c.database}` : ""} recovered: the ${c.kind} incident is resolved.`
      : c.event === "test"
        ? `This is a test alert from Borela for project ${c.project.name}.`
        : `${c.project.name}${c.database ? ` / ${c.database}` : ""} is ${c.kind.replace("_", " ")}.`,
    "",
    `What happened: ${c.reason}`,
    `Since: ${when(c.openedAt, c.now)}`,
    ...(c.resolvedAt ? [`Resolved: ${c.resolvedAt.toISOString()} (lasted ${formatDuration(seconds(c.openedAt, c.resolvedAt))})`] : []),
    `Last good backup: ${when(c.lastBackupAt, c.now)}`,
    `Last passing restore drill: ${when(c.lastPassingDrillAt, c.now)}`,
    "",
    "Restore command:",
    ...c.restoreCommands.map((cmd) => `  ${cmd}`),
    "",
    `Dashboard: ${c.dashboardUrl}`,
  ];
  return lines.join("\n") + "\n";
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

export function htmlBody(c: AlertContext): string {
  const [headline, , ...rest] = textBody(c).trimEnd().split("\n");
  const restoreAt = rest.indexOf("Restore command:");
  const facts = rest.slice(0, restoreAt).filter(Boolean);
  const commands = c.restoreCommands;
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h2>${esc(headline)}</h2>
<ul>${facts.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>
<p>Restore command:</p>
${commands.map((cmd) => `<pre style="background:#f4f4f4;padding:8px">${esc(cmd)}</pre>`).join("\n")}
<p><a href="${esc(c.dashboardUrl)}">Open the dashboard</a></p>
</body></html>`;
}

export function webhookPayload(c: AlertContext) {
  return {
    event: c.event,
    kind: c.kind,
    project: c.project,
    database: c.database,
    reason: c.reason,
    openedAt: c.openedAt.toISOString(),
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    lastBackupAt: c.lastBackupAt?.toISOString() ?? null,
    lastPassingDrillAt: c.lastPassingDrillAt?.toISOString() ?? null,
    restoreCommands: c.restoreCommands,
    dashboardUrl: c.dashboardUrl,
    subject: subject(c),
  };
}

export function slackPayload(c: AlertContext) {
  return {
    text: subject(c),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${subject(c)}*\n${c.reason}` } },
      { type: "section", text: { type: "mrkdwn", text: `Restore: \`${c.restoreCommands[0] ?? "n/a"}\`\n<${c.dashboardUrl}|Open the dashboard>` } },
    ],
  };
}

export function discordPayload(c: AlertContext) {
  return {
    content: subject(c),
    embeds: [
      {
        title: subject(c),
        description: c.reason,
        url: c.dashboardUrl,
        color: c.event === "resolved" ? 0x2e7d32 : c.event === "test" ? 0x1565c0 : 0xc62828,
        fields: [
          { name: "Last good backup", value: c.lastBackupAt?.toISOString() ?? "never" },
          { name: "Restore", value: `\`${c.restoreCommands[0] ?? "n/a"}\`` },
        ],
      },
    ],
  };
}
