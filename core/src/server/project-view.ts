// The JSON shapes of a project in the API (list and detail), built from rows.
import { renderReasons } from "../words/reasons.ts";
import { markControls } from "../control.ts";
import { pausedWords } from "../words/pause.ts";
import { secondsBetween } from "../words/seconds.ts";
import { isPaused } from "../alerts/pause.ts";
import { pingUrl } from "./routes/ping.ts";
import { watchingSignals, watchingView } from "./watching-view.ts";
import type { Store } from "../store/db.ts";
import { parseJson } from "../store/json.ts";
import { drillFacts, type DrillFacts, type FinishedDrill } from "./drill-facts.ts";
import { restoreCommands } from "../snippets/restore-commands.ts";
import { drillStatus } from "../drills/drill-status.ts";
import { storedDrillable } from "../drills/stored-subject.ts";
import { nextFire } from "../schedule/cron.ts";
import { recipients } from "../alerts/recipients.ts";
import { openTarget } from "../alerts/channels/sealed-target.ts";
import { alertingView } from "./alerting-view.ts";
import { channelStreaks } from "../alerts/channel-streaks.ts";
import { channelKey } from "../alerts/delivery-key.ts";
import type { Config, S3Settings } from "../config.ts";
import { replicaReadProblem } from "../drills/read-problem.ts";
import { sharedFileReplicaProblem } from "../drills/replica-claims.ts";
import { storedCredentials } from "../storage/stored-credentials.ts";
import { restoreStorage } from "../storage/restore-storage.ts";
import { replicaManager } from "../storage/replica-manager.ts";
import type { DrillReport } from "../drills/report.ts";
import type { Assertion } from "./schemas.ts";

type ProjectRow = NonNullable<Awaited<ReturnType<typeof loadProjects>>[number]>;
type SummaryRow = NonNullable<Awaited<ReturnType<typeof loadSummaryRows>>[number]>;

export function loadProjects(store: Store, where: { id?: string | { in: string[] } } = {}) {
  return store.project.findMany({
    where,
    orderBy: { name: "asc" },
    include: { databases: { include: { replicas: { orderBy: { url: "asc" } } }, orderBy: { name: "asc" } } },
  });
}

/** The columns the list's summary shows (summary() below), of the projects `where` names, in name order: a page of 500 maps a fraction of loadProjects' rows. */
function loadSummaryRows(store: Store, where: { id?: { in: string[] } }) {
  return store.project.findMany({
    where,
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      status: true,
      statusSince: true,
      lastHeartbeatAt: true,
      lastPingAt: true,
      replicaUrl: true,
      drillSchedule: true,
      nextDrillAt: true,
      pausedAt: true,
      pausedUntil: true,
      pauseReason: true,
      databases: { select: { id: true, replicas: { select: { lastWalAt: true, lastSnapshotAt: true, storageBytes: true } } } },
    },
  });
}

/**
 * The next scheduled drill in UTC, null when the stored cron cannot be read. The scheduler's stored
 * nextDrillAt is that same fire while it is ahead of `now`; the cron is read only when it is not
 * (never computed, schedule changed, or fired and not yet advanced): a parse costs ~170 µs, 1.7 s at 10,000 projects.
 */
function nextDrillAt(cron: string, stored: Date | null, now: Date): Date | null {
  if (stored && stored > now) return stored;
  try {
    return nextFire(cron, now);
  } catch {
    return null;
  }
}

// Reported text (an agent's errors and notes, table names, a drill's error and failures) shown with controls
// and bidi overrides marked "�", rows stored before the ingest checks included (control.ts markControls).
const shown = (s: string) => markControls(s, true);
const shownKeys = (counts: Record<string, number> | null) => counts && Object.fromEntries(Object.entries(counts).map(([k, n]) => [markControls(k), n]));

function drillSummary(d: FinishedDrill | undefined) {
  if (!d) return null;
  const report = parseJson<Partial<Pick<DrillReport, "restoreSeconds" | "rpoSeconds" | "error">>>(d.report, {});
  return {
    id: d.id,
    status: d.status,
    database: d.databaseName,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    restoreSeconds: report.restoreSeconds ?? null,
    rpoSeconds: report.rpoSeconds ?? null,
    error: ((e) => (typeof e === "string" ? shown(e) : null))(report.error ?? d.error ?? null),
  };
}

/** What restoreCommands needs of a database's last finished drill (whether the restore would be refused). */
function drillOutcome(d: Parameters<typeof drillSummary>[0]) {
  const base = drillSummary(d);
  return base && { status: base.status, error: typeof base.error === "string" ? base.error : null };
}

/** A database's last finished drill, with what "did it pass?" needs: the check, tables and rows. */
function databaseDrill(d: Parameters<typeof drillSummary>[0]) {
  const base = drillSummary(d);
  if (!base || !d) return null;
  const report = parseJson<{ integrity?: string; check?: string; tables?: Record<string, number>; failures?: string[]; restorePoint?: string | null }>(d.report, {});
  const tables = report.tables ?? {};
  return {
    ...base,
    check: report.check ?? null,
    integrity: report.integrity == null ? null : shown(report.integrity),
    tables: Object.keys(tables).length,
    rows: Object.values(tables).reduce((a, b) => a + b, 0),
    restorePoint: report.restorePoint ?? null,
    failures: (report.failures ?? []).map(shown),
  };
}

function newest(dates: (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}

function summary(p: SummaryRow, facts: DrillFacts, now: Date) {
  const replicas = p.databases.flatMap((d) => d.replicas);
  // Without an agent the stored replica is the one drilled database (drills/stored-subject.ts).
  const lastPerDatabase = storedDrillable(p) && p.databases.length === 0
    ? [facts.last.get(p.id)?.status ?? []].flat()
    : p.databases.flatMap((d) => facts.perDatabase.get(d.id)?.status ?? []);
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    drillStatus: drillStatus(facts.incidents.get(p.id) ?? [], lastPerDatabase),
    statusSince: p.statusSince,
    lastHeartbeatAt: p.lastHeartbeatAt,
    lastPingAt: p.lastPingAt,
    signals: watchingSignals(p),
    lastBackupAt: newest(replicas.flatMap((r) => [r.lastWalAt, r.lastSnapshotAt])),
    storageBytes: replicas.reduce((sum, r) => sum + Number(r.storageBytes), 0),
    lastDrill: drillSummary(facts.last.get(p.id)),
    nextDrillAt: nextDrillAt(p.drillSchedule, p.nextDrillAt, now),
    // Alerts are held while paused (alerts/pause.ts); null when the project is not paused now.
    pausedUntil: isPaused(p, now) ? p.pausedUntil : null,
    pauseReason: isPaused(p, now) ? p.pauseReason : null,
  };
}

/** The list's view of every project, or of the projects `ids` names (a page: at most a few hundred ids), in name order. */
export async function projectSummaries(store: Store, now = new Date(), ids: readonly string[] | null = null) {
  const projects = await loadSummaryRows(store, ids === null ? {} : { id: { in: [...ids] } });
  const facts = await drillFacts(store, ids);
  return projects.map((p) => summary(p, facts, now));
}

/** A channel row's stored target opened for display; "" (shown as "…") when it cannot be decrypted. */
function readableTarget(key: Buffer, stored: string): string {
  try {
    return openTarget(key, stored);
  } catch {
    return "";
  }
}

/** Where alerts go; `smtpConfigured` is whether BORELA_SMTP_URL is set, `operatorEmails` BORELA_ALERT_EMAIL. */
async function alerting(store: Store, p: ProjectRow, alert: { smtpConfigured: boolean; operatorEmails: string[]; secretKey: Buffer }, now: Date) {
  const list = await recipients(store, p.id, alert.operatorEmails);
  const rows = await store.alertChannel.findMany({ where: { id: { in: list.flatMap((r) => r.id ?? []) } }, select: { id: true, projectId: true } });
  const owner = new Map(rows.map((r) => [r.id, r.projectId]));
  const projectEmails = p.alertEmails ? p.alertEmails.split(",") : [];
  const streaks = await channelStreaks(store, p.id, list);
  return alertingView(
    list.map((r) => ({ ...r, target: readableTarget(alert.secretKey, r.target), projectId: r.id ? owner.get(r.id) : null, failing: streaks.get(channelKey(r)) ?? null })),
    projectEmails,
    alert.smtpConfigured,
    isPaused(p, now) ? pausedWords(p.pausedUntil!, p.pauseReason, now) : null,
  );
}

/** `alert.s3`: BORELA_S3_* (null when unset), for the endpoint of managed replicas in the restore commands. */
export async function projectDetail(store: Store, id: string, alert: { smtpConfigured: boolean; operatorEmails: string[]; secretKey: Buffer; s3?: S3Settings | null; publicUrl?: string; config?: Config }, now = new Date()) {
  const [p] = await loadProjects(store, { id });
  if (!p) return null;
  const facts = await drillFacts(store, p.id);
  // Why no drill can read a database's replica (a file replica outside BORELA_FILE_REPLICA_ROOTS, …).
  const config = alert.config;
  const stored = config ? await storedCredentials(store, config.encryptionKey, p.id) : null;
  const shared = new Map<string, string | null>();
  for (const url of p.databases.flatMap((d) => d.replicas.slice(0, 1).map((r) => r.url))) shared.set(url, await sharedFileReplicaProblem(store, p.id, url));
  const drillProblem = (url: string | undefined) => (config && url ? (replicaReadProblem(url, p.storagePrefix, config, stored) ?? shared.get(url) ?? null) : null);
  const storage = await restoreStorage(store, alert.s3 ?? null, p);
  return {
    ...summary(p, facts, now),
    alerting: await alerting(store, p, alert, now),
    // Stored stable ("no heartbeat since <time>"), worded at read time (words/reasons.ts).
    statusReasons: [...(isPaused(p, now) ? [pausedWords(p.pausedUntil!, p.pauseReason, now)] : []), ...renderReasons(parseJson<string[]>(p.statusReasons, []), now)],
    staleAfterSeconds: p.staleAfterSeconds,
    heartbeatGraceSeconds: p.heartbeatGraceSeconds,
    drillSchedule: p.drillSchedule,
    drillGraceSeconds: p.drillGraceSeconds,
    checkPolicy: p.checkPolicy,
    rowDropWarnPercent: p.rowDropWarnPercent,
    assertions: parseJson<Assertion[]>(p.assertions, []),
    alertEmails: p.alertEmails ? p.alertEmails.split(",") : [],
    badgePath: `/badge/${p.badgeKey}.svg`,
    // Litestream 0.5's `heartbeat-url:` for agentless watching (routes/ping.ts).
    pingUrl: p.pingKey ? pingUrl(alert.publicUrl ?? "", p.pingKey) : null,
    ...watchingView(p, alert.publicUrl ?? ""),
    createdAt: p.createdAt,
    databases: p.databases.map((d) => {
      const oldestPending = d.replicas
        .map((r) => r.pendingSince)
        .filter((x): x is Date => x !== null)
        .sort((a, b) => +a - +b)[0];
      return {
        id: d.id,
        name: d.name,
        path: d.path,
        status: d.status,
        statusReasons: renderReasons(parseJson<string[]>(d.statusReasons, []), now),
        exists: d.exists,
        sizeBytes: Number(d.sizeBytes),
        walBytes: Number(d.walBytes),
        position: parseJson(d.position, null),
        lastHeartbeatAt: d.lastHeartbeatAt,
        lagSeconds: oldestPending ? Math.max(0, secondsBetween(oldestPending, now)) : 0,
        errors: parseJson<string[]>(d.errors, []).map(shown),
        notes: parseJson<string[]>(d.notes, []).map(shown),
        tableCounts: shownKeys(parseJson<Record<string, number> | null>(d.tableCounts, null)),
        tableCountsAt: d.tableCountsAt,
        markerEnabled: d.markerEnabled,
        lastDrill: databaseDrill(facts.perDatabase.get(d.id)),
        drillProblem: drillProblem(d.replicas[0]?.url),
        restoreCommands: restoreCommands(p.name, d, d.replicas[0]?.url ?? null, storage, alert.publicUrl ?? null, drillOutcome(facts.perDatabase.get(d.id))),
        replicas: d.replicas.map((r) => ({
          id: r.id,
          type: r.type,
          url: r.url,
          managedBy: replicaManager(alert.s3 ?? null, p.storagePrefix, r.url),
          generation: r.generation,
          position: parseJson(r.position, null),
          pendingSince: r.pendingSince,
          lastSnapshotAt: r.lastSnapshotAt,
          lastWalAt: r.lastWalAt,
          storageBytes: Number(r.storageBytes),
          lastError: r.lastError === null ? null : shown(r.lastError),
        })),
      };
    }),
  };
}
