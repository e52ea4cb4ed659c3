// Borela's four questions about a project, answered from its JSON: a mark and
// a headline each. Relative times are rendered by the page (they keep moving).
import type { ProjectDetail } from "./types.ts";
import { seconds, utcTime } from "./format.ts";

export type Mark = "yes" | "no" | "warn" | "unknown";

export interface Answer {
  key: "fresh" | "restore" | "passed" | "hear";
  question: string;
  mark: Mark;
  headline: string;
}

export const MARK_SYMBOL: Record<Mark, string> = { yes: "✓", no: "✗", warn: "!", unknown: "?" };
export const MARK_WORD: Record<Mark, string> = { yes: "yes", no: "no", warn: "warning", unknown: "not known yet" };

/** A threshold as set: "5 s", "5 min", never "5.0 s". */
const threshold = (n: number) => (n < 60 ? `${n} s` : seconds(n));

export function freshAnswer(p: ProjectDetail): Answer {
  const lag = Math.max(0, ...p.databases.map((d) => d.lagSeconds));
  const q = { key: "fresh" as const, question: "Is the backup fresh?" };
  // Without an agent (agentless watching) the signals are Litestream's ping and the core's listing: the reasons say which failed.
  if (p.signals?.agent === false && (p.status === "silent" || p.status === "stale" || p.status === "error")) {
    const headline = p.status === "silent" ? "No one knows: Litestream stopped pinging" : `No: ${p.status === "stale" ? "the storage listing finds no backup" : "the core cannot list the replica"}`;
    return { ...q, mark: "no", headline };
  }
  if (p.signals?.agent === false && p.status === "fresh") {
    return { ...q, mark: "yes", headline: "Yes, by Litestream's ping: every database synced (no agent compares the replica with the database)" };
  }
  switch (p.status) {
    case "fresh":
      return { ...q, mark: "yes", headline: lag > 0 ? `Yes: ${seconds(lag)} of changes waiting, within the ${threshold(p.staleAfterSeconds)} threshold` : "Yes: the replica has caught up with the database" };
    case "stale":
      return { ...q, mark: "no", headline: `No: changes un-replicated for ${seconds(lag)}, longer than the ${threshold(p.staleAfterSeconds)} threshold` };
    case "silent":
      return { ...q, mark: "no", headline: "No one knows: the agent stopped reporting" };
    case "error":
      return { ...q, mark: "no", headline: "No: the agent reports an error" };
    default:
      return { ...q, mark: "unknown", headline: "Not known yet: no backup reported" };
  }
}

export function restoreAnswer(p: ProjectDetail): Answer {
  const q = { key: "restore" as const, question: "Can it restore?" };
  const d = p.lastDrill;
  const figures = d && d.status === "passed" && d.restoreSeconds !== null ? ` in ${seconds(d.restoreSeconds)}` : "";
  switch (p.drillStatus) {
    case "passed":
      return { ...q, mark: "yes", headline: `Yes: the last drill restored ${d?.database ?? "it"}${figures}` };
    case "failed": {
      const failed = p.databases.find((db) => db.lastDrill && db.lastDrill.status !== "passed")?.lastDrill ?? d;
      return { ...q, mark: "no", headline: `No: the last drill of ${failed?.database ?? "a database"} ${failed?.status === "error" ? "could not run" : "failed"}` };
    }
    case "overdue":
      return { ...q, mark: "warn", headline: "Unproven: no passing drill within the schedule and its grace" };
    default: {
      // No first drill comes for a replica the core cannot read: say why instead of promising one.
      const blocked = p.databases.find((db) => db.drillProblem);
      if (blocked) return { ...q, mark: "no", headline: `No: drills cannot run: ${blocked.name}: ${blocked.drillProblem}` };
      return { ...q, mark: "unknown", headline: p.status === "fresh" ? "Not yet: the first drill is on its way" : "Not yet: the first drill runs once the backup is fresh" };
    }
  }
}

export function passedAnswer(p: ProjectDetail): Answer {
  const q = { key: "passed" as const, question: "Did the restore pass?" };
  const drilled = p.databases.filter((db) => db.lastDrill);
  if (drilled.length === 0) return { ...q, mark: "unknown", headline: "No drill has checked a restored copy yet" };
  const bad = drilled.filter((db) => db.lastDrill!.status !== "passed");
  if (bad.length) return { ...q, mark: "no", headline: `No: ${bad.map((db) => db.name).join(", ")} did not pass its checks` };
  const notYet = p.databases.length - drilled.length;
  return { ...q, mark: notYet ? "warn" : "yes", headline: notYet ? `Passed for ${drilled.length} of ${p.databases.length} databases; the others were never drilled` : "Yes: integrity and counts checked on the restored copy" };
}

export function hearAnswer(p: ProjectDetail): Answer {
  const answer = hearWithoutPause(p);
  // While paused nobody is told (alerts are held until the window ends): never a plain yes.
  if (!p.pausedUntil || answer.mark === "no") return answer;
  return { ...answer, mark: "warn", headline: `Not until ${utcTime(p.pausedUntil)}: alerts are held while paused (then ${answer.headline.replace(/^\w+: /, "")})` };
}

function hearWithoutPause(p: ProjectDetail): Answer {
  const q = { key: "hear" as const, question: "Will someone hear?" };
  const { channels, emailConfigured } = p.alerting;
  if (channels.length === 0) return { ...q, mark: "no", headline: "No: no alert channel" };
  // A channel whose latest attempts all failed hears nothing until it answers again.
  const failing = channels.filter((c) => c.failing && !(c.type === "email" && !emailConfigured));
  if (failing.length > 0) {
    const names = failing.map((c) => c.type).join(" and ");
    const attempts = failing.reduce((n, c) => n + c.failing!.attempts, 0);
    if (failing.length === channels.length) return { ...q, mark: "no", headline: `No: ${names} delivery is failing (${attempts} failed attempt${attempts === 1 ? "" : "s"} in a row)` };
    return { ...q, mark: "warn", headline: `Partly: ${channels.length - failing.length} of ${channels.length} channels hear; ${names} delivery is failing` };
  }
  const unsent = !emailConfigured && channels.some((c) => c.type === "email");
  if (unsent && !channels.some((c) => c.type !== "email")) return { ...q, mark: "no", headline: "No: alerts go only to email and no SMTP server is configured" };
  if (unsent) return { ...q, mark: "warn", headline: `Partly: ${channels.filter((c) => c.type !== "email").length} channel(s) hear, email is not sent` };
  return { ...q, mark: "yes", headline: `Yes: ${channels.length} channel${channels.length === 1 ? "" : "s"}` };
}
