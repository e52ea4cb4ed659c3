// What an alert says, built once (AlertContext) and worded here for every
// channel: a subject that says in words what happened where, a first sentence
// that reads as one, and the facts (when it began, when it ended, the newest
// upload, the last passing drill). Email bodies: email-body.ts; chat and
// webhook bodies: payloads.ts.
//
// Durations run from when the trouble began (condition-start.ts: the last
// heartbeat, the oldest unreplicated change), not from when the incident
// crossed its threshold and opened.
import { formatDuration } from "../words/duration.ts";
import type { AlertContext } from "./alert-context.ts";
import { groupItems, groupReasons, lastedFor } from "./message-group.ts";
import { couldNotRun, drillCause } from "../incidents/drill-reasons.ts";
import { plainWords } from "./plain-words.ts";
import { secondsBetween } from "../words/seconds.ts";

export type { AlertContext };

const LABEL: Record<string, string> = {
  stale: "STALE",
  silent: "SILENT",
  error: "ERROR",
  drill_failed: "DRILL FAILED",
  drill_overdue: "DRILL OVERDUE",
  test: "TEST",
  summary: "SUMMARY",
};

const REMINDER_LABEL: Record<string, string> = {
  error: "STILL IN ERROR",
  drill_failed: "DRILL STILL FAILING",
  drill_overdue: "DRILL STILL OVERDUE",
};

export function stateLabel(kind: string): string {
  return LABEL[kind] ?? kind.toUpperCase();
}

/** "project / database", or the project alone. */
export function where(c: AlertContext): string {
  return c.database ? `${c.project.name} / ${c.database}` : c.project.name;
}

/** "2026-11-29 10:31:02 UTC". */
export function formatTime(d: Date): string {
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function firstClause(reason: string, max = 120): string {
  const s = reason.split("; ")[0];
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** The first clause in words (plain-words.ts), then cut to fit a subject. */
function plainClause(reason: string): string {
  return firstClause(plainWords(reason.split("; ")[0]));
}

/** A sentence ends once. */
function sentence(s: string): string {
  return /[.?!]$/.test(s) ? s : `${s}.`;
}

/** A drill_failed incident opened by a drill that could not run (drills/outcome.ts), each of a group's: no verdict on the backup, and said so. */
function couldNotRunAlert(c: AlertContext): boolean {
  return c.kind === "drill_failed" && (groupItems(c) ?? [c]).every((i) => couldNotRun(i.reason));
}

/** The alert's state in capitals, as subjects and the webhook's `state` say it: the kind's, or DRILL COULD NOT RUN. */
export function alertLabel(c: AlertContext): string {
  return couldNotRunAlert(c) ? "DRILL COULD NOT RUN" : stateLabel(c.kind);
}

function overdueWords(c: AlertContext): string {
  return c.lastPassingDrillAt ? `no passing drill for ${formatDuration(secondsBetween(c.lastPassingDrillAt, c.now))}` : "no passing drill yet";
}

/** The open condition in a few words, for subjects: no identifiers, no Litestream positions. */
const REFUSED_TOKEN = /^the agent is sending heartbeats with an? .+ agent token\b/;

/** A project without an agent, silent because Litestream's own heartbeat-url ping stopped (freshness/agentless.ts). */
function pingSilence(c: AlertContext): boolean {
  return c.kind === "silent" && /^no Litestream ping (since|for) /.test(c.reason);
}

function problemWords(c: AlertContext): string {
  switch (c.kind) {
    case "stale":
      return `changes unreplicated for ${lastedFor(c)}`;
    case "silent": {
      // The agent still knocks with a token the core refuses (freshness/status.ts puts that reason first): that is the news.
      const token = c.reason.split("; ").find((r) => REFUSED_TOKEN.test(r));
      if (pingSilence(c)) return `no Litestream ping for ${lastedFor(c)}: is Litestream running?`;
      return token ? `${token.replace(/: give it .*$/, "")}; none accepted for ${lastedFor(c)}` : `no heartbeat for ${lastedFor(c)}`;
    }
    case "drill_failed":
      return groupReasons(c, 120, (r) => plainClause(drillCause(r))) ?? plainClause(drillCause(groupItems(c)?.[0].reason ?? c.reason));
    case "drill_overdue":
      return overdueWords(c);
    default:
      // A group of databases (grouping.ts): one reason named once, or each database's own.
      return groupReasons(c, 120, plainClause) ?? plainClause(groupItems(c)?.[0].reason ?? c.reason);
  }
}

/** The worse status a stale incident gave way to ("in error", "silent"), or null when it may have caught up. */
function outrankedBy(c: AlertContext): string | null {
  if (c.kind !== "stale") return null;
  if (c.statusNow === "error") return "in error";
  if (c.statusNow === "silent") return "silent";
  return null;
}

/** "now in error (see the ERROR alert)". */
function nowWorse(c: AlertContext, worse: string): string {
  return `now ${worse} (see the ${stateLabel(c.statusNow ?? "")} alert)`;
}

/** How it ended, in a few words, for subjects. */
function recoveryWords(c: AlertContext): string {
  const lasted = lastedFor(c);
  const worse = outrankedBy(c);
  if (worse) return `no longer reported as stale: ${nowWorse(c, worse)}`;
  switch (c.kind) {
    case "stale":
      return `replica caught up after ${lasted} unreplicated`;
    case "silent":
      return pingSilence(c) ? `Litestream pinged again after ${lasted} of silence` : `agent heard from again after ${lasted} of silence`;
    case "error":
      return `no longer in error, after ${lasted}`;
    case "drill_failed":
      // Ended by a drill that ran: it passed, or it failed and says so in its own alert (drills/outcome.ts).
      return couldNotRunAlert(c) ? `a restore drill ran again after ${lasted} unable to run` : `restore drill passes again after ${lasted} failing`;
    case "drill_overdue":
      return `a restore drill passed after ${lasted} overdue`;
    default:
      return `${c.kind.replace(/_/g, " ")} cleared after ${lasted}`;
  }
}

export function subject(c: AlertContext): string {
  switch (c.event) {
    case "test":
      return `[Borela] TEST: alerts for ${c.project.name} reach you`;
    case "summary": {
      const n = c.items?.length ?? 0;
      return `[Borela] ${c.project.name}: ${n} incident${n === 1 ? "" : "s"} opened and resolved before ${n === 1 ? "it" : "they"} could be announced`;
    }
    case "resolved":
      return `[Borela] RESOLVED: ${where(c)} — ${recoveryWords(c)}`;
    case "missed":
      return `[Borela] RESOLVED: ${where(c)} — ${recoveryWords(c)} (not announced while open)`;
    case "reminder": {
      const duration = c.kind === "stale" || c.kind === "silent" || c.kind === "drill_overdue" ? "" : ` (for ${lastedFor(c)})`;
      const label = couldNotRunAlert(c) ? "DRILL STILL CANNOT RUN" : (REMINDER_LABEL[c.kind] ?? `STILL ${stateLabel(c.kind)}`);
      return `[Borela] ${label}: ${where(c)} — ${problemWords(c)}${duration}`;
    }
    default:
      return `[Borela] ${alertLabel(c)}: ${where(c)} — ${problemWords(c)}`;
  }
}

/** The open condition as a sentence: "demo: app.sqlite3 is in error: …". */
/** "is" for one database, "are" for a group of several (grouping.ts). */
function be(c: AlertContext): string {
  return c.event !== "summary" && (c.items?.length ?? 0) > 1 ? "are" : "is";
}

function problemSentence(c: AlertContext, still: boolean): string {
  const is = still ? `${be(c)} still` : be(c);
  const db = c.database ?? "the project";
  const since = `${formatTime(c.startedAt)} (${lastedFor(c)} ago)`;
  switch (c.kind) {
    case "stale":
      return `${c.project.name}: the backup${be(c) === "are" ? "s" : ""} of ${db} ${is} stale: changes made since ${since} have not reached the replica`;
    case "silent":
      if (pingSilence(c)) return `${c.project.name}: Litestream ${is} silent: no Litestream ping since ${since}: is Litestream running?`;
      return `${c.project.name}: the agent ${is} silent: no heartbeat since ${since}`;
    case "drill_failed":
      return `${c.project.name}: the restore drill of ${db} ${couldNotRunAlert(c) ? "could not run" : "failed"}${still ? ` ${lastedFor(c)} ago and none has passed since` : ""}: ${reasonsInSentence(c, (r) => firstClause(plainWords(drillCause(r)), 300))}`;
    case "drill_overdue":
      return `${c.project.name}: the restore drill ${is} overdue: ${overdueWords(c)}`;
    default: {
      const reasons = reasonsInSentence(c, (r) => firstClause(plainWords(r), 300));
      return c.database
        ? `${c.project.name}: ${c.database} ${is} in error${still ? ` (for ${lastedFor(c)})` : ""}: ${reasons}`
        : `${c.project.name} ${is} in error${still ? ` (for ${lastedFor(c)})` : ""}: ${reasons}`;
    }
  }
}

/** The reason a sentence gives: the one reason, or each database's own in a group (up to 600 characters). */
function reasonsInSentence(c: AlertContext, clause: (reason: string) => string): string {
  return groupReasons(c, 600, clause) ?? clause(groupItems(c)?.[0].reason ?? c.reason);
}

/** How it ended, as a sentence. */
function recoverySentence(c: AlertContext): string {
  const lasted = lastedFor(c);
  const db = c.database ?? "the project";
  const worse = outrankedBy(c);
  if (worse) return `${c.project.name}: ${db} is no longer reported as stale, after ${lasted}: it is ${nowWorse(c, worse)}, and its replica has not been seen to catch up`;
  switch (c.kind) {
    case "stale":
      return `${c.project.name}: the backup${be(c) === "are" ? "s" : ""} of ${db} caught up: changes had waited ${lasted} to reach the replica`;
    case "silent":
      if (pingSilence(c)) return `${c.project.name}: Litestream pinged again after ${lasted} of silence`;
      return `${c.project.name}: the agent is heard from again after ${lasted} of silence`;
    case "drill_failed":
      if (couldNotRunAlert(c)) return `${c.project.name}: a restore drill of ${db} ran again, ${lasted} after one could not run (a failure is told in its own alert)`;
      return `${c.project.name}: a restore drill of ${db} passed again, ${lasted} after one failed`;
    case "drill_overdue":
      return `${c.project.name}: a restore drill passed; drills were overdue for ${lasted}`;
    default:
      return `${c.project.name}: ${c.database ?? "the project"} ${be(c)} no longer in error, after ${lasted}`;
  }
}

export function headline(c: AlertContext): string {
  switch (c.event) {
    case "test":
      return `This is a test alert from Borela for ${c.project.name}: this channel works.`;
    case "summary": {
      const n = c.items?.length ?? 0;
      return `${n} incidents opened and resolved while alerts could not be sent here (no SMTP server configured yet, the core down, or this channel failing). Each one is over; they are listed here once instead of one message each.`;
    }
    case "resolved":
      return sentence(recoverySentence(c));
    case "missed":
      return `${sentence(recoverySentence(c))} It opened and resolved before this alert could be sent.`;
    case "reminder":
      return sentence(problemSentence(c, true));
    default:
      return sentence(problemSentence(c, false));
  }
}

function when(d: Date | null, now: Date): string {
  return d ? `${formatTime(d)} (${formatDuration(secondsBetween(d, now))} ago)` : "never";
}

const START_LABEL: Record<string, string> = { stale: "Oldest unreplicated change", silent: "Last heartbeat" };
const END_LABEL: Record<string, string> = { stale: "Replica caught up", silent: "Heard from again" };

function newestUpload(c: AlertContext): string {
  if (!c.lastBackupAt) return "none yet";
  const text = when(c.lastBackupAt, c.now);
  // Litestream may keep uploading while older changes still wait: both are true, say how they fit.
  if (c.kind === "stale" && !c.resolvedAt && c.lastBackupAt > c.startedAt) {
    return `${text}; uploads go on, but changes made since ${formatTime(c.startedAt)} are not all in the replica yet`;
  }
  return text;
}

/** A summary's line for one missed incident. */
function summaryLine(i: AlertContext): [string, string] {
  const span = `${formatTime(i.startedAt)} to ${i.resolvedAt ? formatTime(i.resolvedAt) : "now"}`;
  return [where(i), `${alertLabel(i).toLowerCase()}, ${recoveryWords(i)} (${span})`];
}

/** A summary lists this many incidents, then a count of the rest (Discord takes at most 25 fields). */
const SUMMARY_LINES = 20;

/** The facts an alert lists, as [label, value] pairs; the first is always what happened. */
export function facts(c: AlertContext): [string, string][] {
  if (c.event === "summary") {
    const items = c.items ?? [];
    const more = items.length - SUMMARY_LINES;
    return [["What happened", headline(c)], ...items.slice(0, SUMMARY_LINES).map(summaryLine), ...(more > 0 ? [["And", `${more} more: see the dashboard`] as [string, string]] : [])];
  }
  if (c.event === "test") return [["What happened", c.reason]];
  const rows: [string, string][] = [
    ["What happened", c.reason],
    [pingSilence(c) ? "Last Litestream ping" : (START_LABEL[c.kind] ?? "Since"), when(c.startedAt, c.now)],
  ];
  if (c.resolvedAt) rows.push([(outrankedBy(c) ? null : pingSilence(c) ? "Pinged again" : END_LABEL[c.kind]) ?? "Resolved", `${formatTime(c.resolvedAt)} (lasted ${lastedFor(c)})`]);
  rows.push(["Last backup (newest upload to the replica)", newestUpload(c)]);
  rows.push(["Last passing restore drill", when(c.lastPassingDrillAt, c.now)]);
  return rows;
}
