// What an alert says, built once (AlertContext) and rendered here as email:
// a subject that names project, database and state, and text and HTML bodies
// with what happened, since when, the last good backup, the last passing
// drill, the restore commands and the dashboard link.
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

export function stateLabel(kind: string): string {
  return LABEL[kind] ?? kind.toUpperCase();
}

export function where(c: AlertContext): string {
  return c.database ? `${c.project.name} / ${c.database}` : c.project.name;
}

function seconds(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 1000;
}

export function lastedFor(c: AlertContext): string {
  return formatDuration(seconds(c.openedAt, c.resolvedAt ?? c.now));
}

function firstClause(reason: string): string {
  const s = reason.split("; ")[0];
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export function subject(c: AlertContext): string {
  switch (c.event) {
    case "test":
      return `[Borela] TEST: alerts for ${c.project.name} reach you`;
    case "resolved":
      return `[Borela] RESOLVED: ${where(c)} is back (${stateLabel(c.kind)} lasted ${lastedFor(c)})`;
    case "reminder":
      return `[Borela] STILL ${stateLabel(c.kind)}: ${where(c)} — ${firstClause(c.reason)} (open ${lastedFor(c)})`;
    default:
      return `[Borela] ${stateLabel(c.kind)}: ${where(c)} — ${firstClause(c.reason)}`;
  }
}

function headline(c: AlertContext): string {
  const state = c.kind.replace("_", " ");
  switch (c.event) {
    case "test":
      return `This is a test alert from Borela for ${c.project.name}: this channel works.`;
    case "resolved":
      return `${where(c)} recovered: it was ${state} for ${lastedFor(c)}.`;
    case "reminder":
      return `${where(c)} is still ${state}, ${lastedFor(c)} after it started.`;
    default:
      return `${where(c)} is ${state}.`;
  }
}

function when(d: Date | null, now: Date): string {
  return d ? `${d.toISOString()} (${formatDuration(seconds(d, now))} ago)` : "never";
}

/** The facts every alert lists, as [label, value] pairs. */
export function facts(c: AlertContext): [string, string][] {
  return [
    ["What happened", c.reason],
    ["Since", when(c.openedAt, c.now)],
    ...(c.resolvedAt ? [["Resolved", `${c.resolvedAt.toISOString()} (lasted ${lastedFor(c)})`] as [string, string]] : []),
    ["Last good backup", when(c.lastBackupAt, c.now)],
    ["Last passing restore drill", when(c.lastPassingDrillAt, c.now)],
  ];
}

export function textBody(c: AlertContext): string {
  return [
    headline(c),
    "",
    ...facts(c).map(([k, v]) => `${k}: ${v}`),
    "",
    "To restore the latest backup:",
    ...c.restoreCommands.map((cmd) => `  ${cmd}`),
    "",
    `Dashboard: ${c.dashboardUrl}`,
    "",
  ].join("\n");
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

export function htmlBody(c: AlertContext): string {
  const rows = facts(c).map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  const commands = c.restoreCommands.map((cmd) => `<pre style="background:#f4f4f4;padding:8px">${escapeHtml(cmd)}</pre>`);
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h2>${escapeHtml(headline(c))}</h2>
<table cellpadding="4">${rows.join("")}</table>
<p>To restore the latest backup:</p>
${commands.join("\n")}
<p><a href="${escapeHtml(c.dashboardUrl)}">Open the dashboard</a></p>
</body></html>`;
}
