// The weekly digest: every project's freshness, last drill, RTO/RPO and
// storage growth in one email — the boring weekly loop in one message — and the
// projects still paused, with until when and why. It goes
// to BORELA_ALERT_EMAIL and the operator's email channels.
import type { Store } from "../store/db.ts";
import { parseJson } from "../store/json.ts";
import { formatBytes } from "../words/bytes.ts";
import { formatDuration } from "../words/duration.ts";
import { secondsBetween } from "../words/seconds.ts";
import { claimDelivery } from "./claim.ts";
import { digestKey } from "./delivery-key.ts";
import { digestDue, isoWeek } from "./digest-schedule.ts";
import { sendEmail } from "./email.ts";
import { NotSendableHereError } from "./errors.ts";
import { escapeHtml } from "../words/html.ts";
import { splitEmails } from "./recipients.ts";
import { isPaused } from "./pause.ts";
import { pausedWords } from "../words/pause.ts";
import type { Senders } from "./channels.ts";

const WEEK_MS = 7 * 86_400_000;

export interface DigestRow {
  project: string;
  status: string;
  lastDrill: string;
  rto: string;
  rpo: string;
  storage: string;
  needsAttention: boolean;
  /** While the project's pause window is on: "paused until 2026-12-01 14:00 UTC: migrating (paused 2 days ago)"; else null. */
  paused: string | null;
}

/** The two fields of a stored drill report (drills/report.ts) the digest shows. */
interface ReportTimes {
  restoreSeconds?: number | null;
  rpoSeconds?: number | null;
}

// A drill in "error" never reached a verdict on the backup (storage unreachable, no disk): it could not run.
const DRILL_WORDS: Record<string, string> = { passed: "passed", failed: "failed", error: "could not run" };

/** Tenths of a second under two minutes ("1.2s"), then minutes and hours (formatDuration). */
function rtoWords(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(1)}s` : formatDuration(seconds);
}

async function digestRows(store: Store, now: Date): Promise<DigestRow[]> {
  const projects = await store.project.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, status: true, pausedAt: true, pausedUntil: true, pauseReason: true } });
  const rows: DigestRow[] = [];
  for (const p of projects) {
    const drill = await store.drill.findFirst({
      where: { projectId: p.id, status: { in: ["passed", "failed", "error"] }, finishedAt: { lte: now } },
      orderBy: { finishedAt: "desc" },
    });
    const report = parseJson<ReportTimes | null>(drill?.report, null);
    const newest = await store.heartbeat.findFirst({ where: { projectId: p.id, receivedAt: { lte: now } }, orderBy: { receivedAt: "desc" } });
    const weekStart = await store.heartbeat.findFirst({
      where: { projectId: p.id, receivedAt: { gte: new Date(now.getTime() - WEEK_MS), lte: now } },
      orderBy: { receivedAt: "asc" },
    });
    const storageNow = Number(newest?.storageBytes ?? 0);
    const growth = weekStart ? storageNow - Number(weekStart.storageBytes) : null;
    rows.push({
      project: p.name,
      status: p.status,
      lastDrill: drill ? `${DRILL_WORDS[drill.status] ?? drill.status} ${formatDuration(secondsBetween(drill.finishedAt!, now))} ago` : "never drilled",
      rto: report?.restoreSeconds != null ? rtoWords(report.restoreSeconds) : "-",
      rpo: report?.rpoSeconds != null ? formatDuration(report.rpoSeconds) : "-",
      storage: newest ? `${formatBytes(storageNow)}${growth !== null ? ` (${growth >= 0 ? "+" : "-"}${formatBytes(Math.abs(growth))} this week)` : ""}` : "-",
      needsAttention: p.status !== "fresh" || drill?.status !== "passed",
      paused: isPaused(p, now) ? `${pausedWords(p.pausedUntil!, p.pauseReason, now)} (paused ${formatDuration(secondsBetween(p.pausedAt!, now))} ago)` : null,
    });
  }
  return rows;
}

function renderDigest(rows: DigestRow[], week: string, publicUrl: string) {
  const attention = rows.filter((r) => r.needsAttention).length;
  // A pause someone forgot holds every alert of its project: the digest names each one still on.
  const paused = rows.filter((r) => r.paused !== null);
  const subject = `[Borela] Weekly digest ${week}: ${rows.length} project${rows.length === 1 ? "" : "s"}, ${attention ? `${attention} need${attention === 1 ? "s" : ""} attention` : "all fresh and drilled"}${paused.length ? `, ${paused.length} paused` : ""}`;
  const pausedTitle = "Paused: no alert is sent for these projects until their window ends.";
  const header = ["project", "freshness", "last drill", "RTO", "RPO", "storage"];
  const table = [header, ...rows.map((r) => [r.project, r.status, r.lastDrill, r.rto, r.rpo, r.storage])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const text = [
    `Borela weekly digest for ${week}.`,
    "",
    ...table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()),
    "",
    ...(paused.length ? [pausedTitle, ...paused.map((r) => `  ${r.project}: ${r.paused}`), ""] : []),
    "RTO: how long the last drill took to restore. RPO: how much recent data that restore lacked.",
    `Dashboard: ${publicUrl}/`,
    "",
  ].join("\n");
  const cells = (row: string[], tag: string) => row.map((c) => `<${tag} align="left">${escapeHtml(c)}</${tag}>`).join("");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h2>Borela weekly digest for ${escapeHtml(week)}</h2>
<table border="1" cellpadding="4" style="border-collapse:collapse"><tr>${cells(header, "th")}</tr>${table.slice(1).map((row) => `<tr>${cells(row, "td")}</tr>`).join("")}</table>
${paused.length ? `<p>${escapeHtml(pausedTitle)}</p>\n<ul>${paused.map((r) => `<li>${escapeHtml(r.project)}: ${escapeHtml(r.paused!)}</li>`).join("")}</ul>\n` : ""}<p>RTO: how long the last drill took to restore. RPO: how much recent data that restore lacked.</p>
<p><a href="${escapeHtml(publicUrl)}/">Open the dashboard</a></p>
</body></html>`;
  return { subject, text, html };
}

export interface DigestSettings extends Senders {
  alertEmail: string[];
  publicUrl: string;
  digestCron: string;
}

/** BORELA_ALERT_EMAIL plus the addresses of operator-level email channels. */
async function digestRecipients(store: Store, operatorEmails: string[]): Promise<string[]> {
  const channels = await store.alertChannel.findMany({ where: { projectId: null, type: "email" }, select: { target: true } });
  return [...new Set([...operatorEmails, ...channels.flatMap((c) => splitEmails(c.target))])];
}

/** Renders the digest for a week as of now and emails it; resolves with the SMTP answer. */
export async function sendDigest(store: Store, settings: DigestSettings, week: string, now: Date): Promise<string> {
  const to = await digestRecipients(store, settings.alertEmail);
  // Another core (BORELA_ALERT_EMAIL set there) may have recipients: this one leaves the digest to it.
  if (to.length === 0) throw new NotSendableHereError("no digest recipients: set BORELA_ALERT_EMAIL or add an operator-level email channel");
  const { subject, text, html } = renderDigest(await digestRows(store, now), week, settings.publicUrl);
  return sendEmail(settings, { to: to.join(","), subject, text, html });
}

/** Sends this week's digest at once, outside the schedule and its dedupe (tests, "send it now"). */
export function sendDigestNow(store: Store, settings: DigestSettings, now = new Date()): Promise<string> {
  return sendDigest(store, settings, isoWeek(now), now);
}

/**
 * Whether any project existed at the digest's fire time. A core installed after the fire time (or whose
 * first project came after it) has no week to report: it waits for the next fire instead of sending a
 * catch-up digest the moment SMTP and a recipient are set.
 */
async function watchedAtFire(store: Store, fireAt: Date): Promise<boolean> {
  return (await store.project.findFirst({ where: { createdAt: { lte: fireAt } }, select: { id: true } })) !== null;
}

/** Claims this week's digest when its fire time has come; the dispatcher sends it like any delivery. */
export async function planDigest(store: Store, settings: DigestSettings, at: Date): Promise<boolean> {
  const due = digestDue(settings.digestCron, at);
  if (!due || !settings.smtpUrl) return false;
  if ((await digestRecipients(store, settings.alertEmail)).length === 0) return false;
  if (!(await watchedAtFire(store, due.fireAt))) return false;
  return claimDelivery(store, { dedupeKey: digestKey(due.week), event: "digest", incidentId: null, channelId: null, target: null }, at);
}
