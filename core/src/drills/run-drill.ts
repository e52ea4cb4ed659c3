// The drill pipeline: pre-check disk, restore into a fresh temp dir, inspect
// read-only, compare, record RTO/RPO, remove the temp dir in every outcome,
// open or resolve the drill_failed incident. The Drill row is the record.
// What is restored comes from prepareLtxRestore (ltx-check.ts, 0.5) or
// prepareGenerationsRestore (generations-source.ts, 0.3); an LTX plan ending
// below the replica TXID of the agent's latest heartbeat fails before restoring
// (ltxBelowReplica, 0.3's live-generation rule in TXIDs). No agent: the stored replica (stored-subject.ts).
import { parseJson } from "../store/json.ts";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import { litestreamVersion, resolveLitestreamBinFor } from "../litestream/binary.ts";
import { ReplicaReadError } from "../litestream/replica-files.ts";
import { openReplicaClient } from "../storage/replica-clients.ts";
import { chooseLayout } from "../litestream/layout/detect.ts";
import { prepareLtxRestore, snapshotRetention } from "./ltx-check.ts";
import type { RestoreSource } from "./restore-source.ts";
import type { LiveState } from "./live-state.ts";
import type { ReplicaTarget } from "../litestream/replica-url.ts";
import { prepareGenerationsRestore } from "./generations-source.ts";
import { compare, compareWithLive, compareWithPrevious, isStorageUnreachable, ltxBelowReplica, ltxPastDatabase, rpoSeconds } from "./decisions.ts";
import { drillDisk, freeSpace as systemFreeSpace, type FreeSpace } from "./disk.ts";
import { formatBytes } from "../words/bytes.ts";
import { IsolationError, runIsolated, type IsolationSettings } from "./isolation/run-isolated.ts";
import { emptyReport, type DrillReport } from "./report.ts";
import type { Outcome } from "./outcome.ts";
import { MissingCredentialsError, readTarget, ReplicaRefusedError } from "./replica-target.ts";
import { storedCredentials } from "../storage/stored-credentials.ts";
import { fileReplicaReadProblem } from "./file-replica-read.ts";
import { fileReplicaChange } from "./file-roots.ts";
import { storedDatabase, type DrilledDatabase } from "./stored-subject.ts";
import { redactReplicaUrl, replicaUrl } from "../litestream/replica-url.ts";
import { InfrastructureError } from "./errors.ts";
import { liveState } from "./live-state.ts";
import { secondsBetween } from "../words/seconds.ts";

export { InfrastructureError };

export interface ProgressEvent {
  step: string;
  message: string;
  at: string;
}

export interface DrillContext {
  store: Store;
  config: Config;
  freeSpace?: FreeSpace;
  restoreTimeoutMs?: number;
  checkTimeoutMs?: number;
  assertionTimeoutMs?: number;
  /** Overrides of where and how the restore and checks run (tests); the mode defaults to BORELA_DRILL_ISOLATION. */
  isolation?: Partial<IsolationSettings>;
  onProgress?: (drillId: string, event: ProgressEvent) => void;
}

const loadDrill = (store: Store, id: string) => store.drill.findUniqueOrThrow({ where: { id }, include: { project: true } });
const loadDatabase = (store: Store, id: string) => store.database.findUnique({ where: { id }, include: { replicas: { orderBy: { url: "asc" } } } });

export async function runDrill(ctx: DrillContext, drillId: string): Promise<Outcome> {
  const drill = await loadDrill(ctx.store, drillId);
  const progress: ProgressEvent[] = parseJson(drill.progress, []);
  const step = async (name: string, message: string) => {
    const event = { step: name, message, at: new Date().toISOString() };
    progress.push(event);
    ctx.onProgress?.(drillId, event);
    await ctx.store.drill.update({ where: { id: drillId }, data: { progress: JSON.stringify(progress.slice(-50)) } });
  };

  const database: DrilledDatabase | null = drill.databaseId ? await loadDatabase(ctx.store, drill.databaseId) : storedDatabase(drill.project);
  const shown = database?.replicas[0] ? redactReplicaUrl(database.replicas[0].url) : null;
  const report = emptyReport(drill.databaseName ?? database?.name ?? "?", shown, drill.timestamp);
  const finish = (status: Outcome["status"], error?: string): Outcome => {
    if (error) report.error = error;
    return { status, report };
  };

  if (!database) return finish("failed", "no database to drill: the agent has not reported one yet");
  const replica = database.replicas[0];
  if (!replica) return finish("failed", `no replica configured for ${database.name}: nothing to restore`);

  let target;
  try {
    target = await readTarget(replica.url, drill.project.storagePrefix, ctx.config, await storedCredentials(ctx.store, ctx.config.encryptionKey, drill.projectId));
  } catch (err) {
    // The core cannot read it: the drill could not run, which says nothing of the backup (an operator's keys to fix).
    if (err instanceof MissingCredentialsError) return finish("error", err.message);
    if (err instanceof ReplicaRefusedError) return finish("failed", err.message);
    return finish("failed", `replica ${shown} cannot be used: ${(err as Error).message}`);
  }
  const unreadable = target.type === "file" ? await fileReplicaReadProblem(ctx.store, drill.projectId, replica.url, target.path) : null;
  if (unreadable) return finish("failed", unreadable);

  await step("inspect-replica", `reading ${replicaUrl(target)}`);
  const client = openReplicaClient(target);
  let listing;
  try {
    listing = await client.list({ timeoutMs: 30_000 });
  } catch (err) {
    const code = err instanceof ReplicaReadError ? err.code : "";
    // Refused keys: the core's credentials, not the backup (could not run, no retry); a bucket that does not exist: the backup is gone.
    if (/InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied/.test(code)) return finish("error", (err as Error).message);
    if (/NoSuchBucket/.test(code)) return finish("failed", (err as Error).message);
    throw new InfrastructureError((err as Error).message);
  }
  const choice = chooseLayout(listing, drill.timestamp);
  report.layout = choice.layout;
  // The Litestream that restores: 0.5 for LTX files and for an upgraded app's replica (both layouts), else 0.3.
  const line: "0.3" | "0.5" = choice.layout === "ltx" || choice.stored === "mixed" ? "0.5" : "0.3";
  let litestreamBin: string;
  try {
    litestreamBin = resolveLitestreamBinFor(line, ctx.config.litestreamBin);
    report.litestreamVersion = await litestreamVersion(litestreamBin);
  } catch (err) {
    return finish("failed", `cannot restore ${shown} (${choice.layout ?? "empty"}) without Litestream ${line}: ${(err as Error).message}`);
  }
  const run = { ctx, drillId, drill, database, target, report, step, finish, litestreamBin, line };
  if (choice.layout === "ltx") {
    const live = await liveState(ctx.store, database);
    let prepared;
    try {
      prepared = await prepareLtxRestore(client, listing, choice, drill.timestamp, snapshotRetention(live.snapshotRetentionSeconds));
    } catch (err) {
      throw new InfrastructureError((err as Error).message);
    }
    if ("failed" in prepared) return finish("failed", prepared.failed);
    const restoredTxid = prepared.txid ?? 0;
    const short =
      ltxBelowReplica({ restoredTxid, replica: live.replica?.position ?? null, seenAt: live.replica?.seenAt ?? null, high: live.replicaHigh, timestamp: drill.timestamp }) ??
      ltxPastDatabase({ restoredTxid, restorePoint: prepared.restorePoint, live: live.position, liveAt: database.lastHeartbeatAt, timestamp: drill.timestamp });
    if (short) {
      report.txid = prepared.txid;
      return finish("failed", short);
    }
    return restoreAndCheck(run, prepared, live);
  }
  const live = await liveState(ctx.store, database);
  const prepared = await prepareGenerationsRestore(target, listing, choice, { timestamp: drill.timestamp, shown, liveGeneration: live.position?.generation ?? null });
  if (prepared.generation) {
    report.generation = prepared.generation.id;
    report.replicaBytes = prepared.generation.bytes;
  }
  if ("failed" in prepared) return finish("failed", prepared.failed);
  return restoreAndCheck(run, prepared.source, live);
}

/** The shared part of a drill once the source is known: disk, isolated restore, checks, comparisons. */
async function restoreAndCheck(
  run: {
    ctx: DrillContext;
    drillId: string;
    drill: Awaited<ReturnType<typeof loadDrill>>;
    database: DrilledDatabase;
    target: ReplicaTarget;
    report: DrillReport;
    step: (name: string, message: string) => Promise<void>;
    finish: (status: Outcome["status"], error?: string) => Outcome;
    litestreamBin: string;
    line: "0.3" | "0.5";
  },
  source: RestoreSource,
  live: LiveState,
): Promise<Outcome> {
  const { ctx, drillId, drill, database, target, report, step, finish, litestreamBin, line } = run;
  report.layout = source.layout;
  report.txid = source.txid;
  report.replicaBytes = source.bytes;
  report.warnings.push(...source.warnings);
  if (source.summary) await step("inspect-replica", source.summary);
  // Started now, awaited once the restore is done: a damaged backup fails the drill whatever the restore did.
  const verification = source.verify?.().then(
    (v) => ({ ok: true as const, v }),
    (err: Error) => ({ ok: false as const, err }),
  );
  let restorePoint = source.restorePoint;
  const liveBytes = database.sizeBytes > 0n ? Number(database.sizeBytes + database.walBytes) : null;
  const disk = await drillDisk(ctx.config.drillDir, source.bytes, liveBytes, ctx.freeSpace ?? systemFreeSpace);
  if (disk.refusal) return finish("failed", disk.refusal);
  await step("disk", disk.words);
  const free = disk.free;

  const dir = await mkdtemp(path.join(ctx.config.drillDir, `drill-${drillId}-`));
  try {
    const timestamp = source.timestamp ?? undefined;
    const assertions = parseJson<{ name?: string; sql: string; op: string; value: number }[]>(drill.project.assertions, []);
    const isolation = { mode: ctx.config.drillIsolation, ...ctx.isolation };
    await step("restore", `litestream ${report.litestreamVersion} restore${source.generation ? ` -generation ${source.generation}` : ""}${timestamp ? ` -timestamp ${timestamp.toISOString()}` : source.txid !== null ? ` -txid ${source.txid.toString(16).padStart(16, "0")}` : ""} in an isolated ${isolation.mode === "docker" ? "container" : "process"}`);
    let result;
    try {
      result = await runIsolated(
        {
          replica: target,
          generation: source.generation,
          txid: timestamp ? null : source.txid,
          timestamp: timestamp?.toISOString() ?? null,
          checkPolicy: drill.project.checkPolicy,
          assertions: assertions.map((a) => ({ sql: a.sql })),
          restoreTimeoutMs: ctx.restoreTimeoutMs ?? 30 * 60_000,
          checkTimeoutMs: ctx.checkTimeoutMs ?? 30 * 60_000,
          assertionTimeoutMs: ctx.assertionTimeoutMs,
          litestreamBin,
          litestreamLine: line,
        },
        isolation,
        { scratch: dir, hide: [ctx.config.dataDir, ctx.config.drillDir], onStep: (name, message) => void step(name, message).catch(() => undefined) },
      );
    } catch (err) {
      if (err instanceof IsolationError) return finish("failed", err.message);
      throw err;
    }
    const changed = target.type === "file" ? await fileReplicaChange(target.path) : null;
    if (changed) return finish("failed", changed);
    const verified = await verification;
    if (verified && !verified.ok) throw new InfrastructureError(verified.err.message);
    if (verified && "damaged" in verified.v) return finish("failed", verified.v.damaged);
    if (verified && "summary" in verified.v) {
      restorePoint = verified.v.restorePoint;
      await step("inspect-replica", verified.v.summary);
    }
    if (!result.ok && result.stage === "restore") {
      const text = `${result.message}\n${result.output}`;
      // The estimate can be beaten by a backup that compresses unusually well.
      if (/no space left on device/i.test(text)) {
        return finish("failed", `not enough free disk in ${ctx.config.drillDir}: the restore ran out of space (${formatBytes(free)} was free before it began): ${result.message}`);
      }
      if (!result.timedOut && isStorageUnreachable(text)) throw new InfrastructureError(result.message);
      return finish("failed", `restore failed: ${source.nameFiles(result.message)}`);
    }
    report.restoreSeconds = result.restoreSeconds;
    report.restoredBytes = result.restoredBytes;
    report.check = result.check;
    if (!result.ok) return finish("failed", result.message);
    const inspection = result.inspection;
    report.checkSeconds = result.checkSeconds;
    report.integrity = inspection.integrity;
    report.tables = inspection.tables;
    report.foreignKeyViolations = inspection.foreignKeyViolations;
    await step("check", `${report.check}: ${inspection.integrity === "ok" ? "ok" : "FAILED"}; ${Object.keys(inspection.tables).length} table(s), ${Object.values(inspection.tables).reduce((a, b) => a + b, 0)} row(s) in ${report.checkSeconds.toFixed(2)}s`);

    if (inspection.integrity !== "ok") report.failures.push(`${report.check} failed: ${inspection.integrity}`);
    if (inspection.foreignKeyViolations > 0) report.warnings.push(`${inspection.foreignKeyViolations} foreign key violation(s)`);
    report.assertions = assertions.map((a, i) => {
      const r = inspection.assertionValues[i];
      const actual = "value" in r ? r.value : null;
      const passed = actual !== null && compare(actual, a.op, a.value);
      return { name: a.name ?? a.sql, sql: a.sql, op: a.op, expected: a.value, actual, passed, ...("error" in r ? { error: r.error } : {}) };
    });
    for (const a of report.assertions) {
      if (!a.passed) report.failures.push(`assertion ${a.name}: ${a.error ?? `got ${a.actual}, expected ${a.op} ${a.expected}`}`);
    }

    const previous = await ctx.store.drill.findFirst({
      where: { projectId: drill.projectId, databaseId: database.id, status: "passed", id: { not: drillId }, timestamp: null },
      orderBy: { finishedAt: "desc" },
    });
    if (!drill.timestamp) {
      const prevTables = previous ? parseJson<DrillReport | null>(previous.report, null)?.tables ?? null : null;
      const cmp = compareWithPrevious(inspection.tables, prevTables, drill.project.rowDropWarnPercent);
      report.failures.push(...cmp.failures);
      report.warnings.push(...cmp.warnings);
      report.warnings.push(...compareWithLive(inspection.tables, parseJson(database.tableCounts, null), drill.project.rowDropWarnPercent));
    }

    report.restorePoint = restorePoint.toISOString();
    if (!drill.timestamp) report.rpoSeconds = rpoSeconds({ restorePoint, restored: source.restoredEnd, live: live.position, changedAt: live.changedAt });
    if (database.markerEnabled) {
      const marker = inspection.marker;
      const age = marker ? secondsBetween(new Date(marker.at), new Date()) : Infinity;
      if (age > drill.project.staleAfterSeconds) {
        report.failures.push(marker ? `newest _borela_marker row is ${Math.round(age)}s old (threshold ${drill.project.staleAfterSeconds}s)` : "no _borela_marker row in the backup");
      } else {
        report.rpoSeconds = Math.max(0, age);
      }
    }
    const status = report.failures.length > 0 ? "failed" : "passed";
    await step("done", `${status}${report.warnings.length ? ` with ${report.warnings.length} warning(s)` : ""}`);
    return finish(status, report.failures.length ? report.failures.join("; ") : undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
