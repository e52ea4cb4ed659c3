// A restore of one database into a file, as `borela restore` asks for it: the
// core reads the replica with what it holds (replica-target.ts: its own keys,
// stored credentials, file roots), runs the drill's pre-checks
// (restore-check.ts for 0.3 generations, ltx-check.ts for 0.5 LTX files) and
// refuses a damaged replica unless forced (never for LTX content damage, on
// which Litestream fails too: ltx-damage.ts names a point in time before the
// damaged file instead), then runs `litestream restore` (the
// line the drill would use) of exactly the plan the drill would restore, isolated
// as a drill's restore is (BORELA_DRILL_ISOLATION: no core environment, the
// data dir hidden, limits), followed by a quick_check and row counts of the
// copy. Used by the API (routes/restores.ts, the file then streamed to the
// CLI) and by the CLI with --data-dir on the core's host.
//
//   chooseDatabase(store, project, name?): Promise<DrilledDatabase>   throws RestoreRequestError; a project
//     without an agent that stores a replicaUrl restores that replica (storedDatabase)
//   restoreDatabase(ctx, project, database, { scratch, ... }): Promise<RestoreOutcome>
//     the restored file is RestoreOutcome.file, inside `scratch` (a fresh directory under the drill dir)
//     throws RestoreRefusedError (one line: what is wrong, naming the replica and the segment) or
//     RestoreFailedError (Litestream's error, files named); other errors are storage or I/O trouble.
import path from "node:path";
import type { Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import type { ReplicaFile } from "../litestream/replica-files.ts";
import type { ReplicaClient, ReplicaListing } from "../litestream/client/replica-client.ts";
import { openReplicaClient } from "../storage/replica-clients.ts";
import { chooseLayout, type LayoutChoice } from "../litestream/layout/detect.ts";
import type { ReplicaTarget } from "../litestream/replica-url.ts";
import { prepareLtxRestore } from "./ltx-check.ts";
import { damageEscapeWords, litestreamFailsOnDamage, restoreBefore } from "../litestream/ltx-damage.ts";
import { redactReplicaUrl, replicaUrl } from "../litestream/replica-url.ts";
import { segmentName } from "../litestream/restore-plan.ts";
import { resolveLitestreamBinFor } from "../litestream/binary.ts";
import { freeSpace } from "./disk.ts";
import { formatBytes } from "../words/bytes.ts";
import { ltxPastDatabase, requiredFreeBytes } from "./decisions.ts";
import { parseJson } from "../store/json.ts";
import type { Position } from "../protocol.ts";
import { readTarget } from "./replica-target.ts";
import { storedCredentials } from "../storage/stored-credentials.ts";
import { fileReplicaReadProblem } from "./file-replica-read.ts";
import { fileReplicaChange } from "./file-roots.ts";
import { checkWalSegments, nameFiles, planFromListing } from "./restore-check.ts";
import { IsolationError, runIsolated } from "./isolation/run-isolated.ts";
import { storedDatabase } from "./stored-subject.ts";
import { RESTORED_FILE } from "./isolation/job.ts";

/** The request names no database, or one the project does not have (a 400 / a usage error). */
export class RestoreRequestError extends Error {}
/** The pre-checks refuse the replica (or it cannot be read with what the core holds). */
export class RestoreRefusedError extends Error {}
/** `litestream restore` failed. */
export class RestoreFailedError extends Error {}

export interface RestoreOutcome {
  /** The restored database, inside the scratch directory. */
  file: string;
  replica: string;
  /** The 0.3 generation restored; null for a 0.5 (LTX) replica, which has none. */
  generation: string | null;
  /** The TXID an LTX restore ends at; null for 0.3. */
  txid: number | null;
  restorePoint: string;
  bytes: number;
  restoreSeconds: number;
}

type Step = (step: string, message: string) => void;

type Project = { id: string; name: string; storagePrefix: string };

export async function chooseDatabase(store: Store, project: Project, name: string | undefined) {
  const reported = await store.database.findMany({ where: { projectId: project.id }, include: { replicas: { orderBy: { url: "asc" } } }, orderBy: { name: "asc" } });
  // A project watched without an agent restores the replica the operator stored, as its drills do (stored-subject.ts).
  const stored = reported.length === 0 ? storedDatabase(await store.project.findUniqueOrThrow({ where: { id: project.id }, select: { id: true, replicaUrl: true, lastHeartbeatAt: true, updatedAt: true } })) : null;
  const databases = stored ? [stored] : reported;
  const database = name ? databases.find((d) => d.name === name) : databases.length === 1 ? databases[0] : undefined;
  if (database) return database;
  const known = databases.map((d) => d.name).join(", ") || "none";
  if (name) throw new RestoreRequestError(`no database named ${JSON.stringify(name)} in ${project.name} (known: ${known})`);
  if (databases.length === 0) throw new RestoreRequestError(`${project.name} has no database yet: its agent has not reported one, and no replica is stored on it (replicaUrl)`);
  throw new RestoreRequestError(`${project.name} has ${databases.length} databases; choose one with --database (${known})`);
}

export async function restoreDatabase(
  ctx: { store: Store; config: Config },
  project: Project,
  database: { name: string; sizeBytes: bigint; walBytes: bigint; position?: string | null; lastHeartbeatAt?: Date | null; replicas: { url: string }[] },
  options: { scratch: string; timestamp?: Date; force?: boolean; onStep?: (step: string, message: string) => void },
): Promise<RestoreOutcome> {
  const step = options.onStep ?? (() => undefined);
  const replica = database.replicas[0];
  if (!replica) throw new RestoreRefusedError(`${project.name}/${database.name} has no replica to restore from`);
  const shown = redactReplicaUrl(replica.url);
  const what = `${project.name}/${database.name} from ${shown}`;
  let target;
  try {
    target = await readTarget(replica.url, project.storagePrefix, ctx.config, await storedCredentials(ctx.store, ctx.config.encryptionKey, project.id));
  } catch (err) {
    throw new RestoreRefusedError(`cannot restore ${what}: ${(err as Error).message}`);
  }
  const unreadable = target.type === "file" ? await fileReplicaReadProblem(ctx.store, project.id, replica.url, target.path) : null;
  if (unreadable) throw new RestoreRefusedError(`cannot restore ${what}: ${unreadable}`);
  step("inspect-replica", `reading ${replicaUrl(target)}`);
  const client = openReplicaClient(target);
  const listing = await client.list({ timeoutMs: 60_000 });
  const timestamp = options.timestamp ?? null;
  const choice = chooseLayout(listing, timestamp);
  if (!choice.layout) throw new RestoreRefusedError(`cannot restore ${what}: no backup found`);
  // As the drill: 0.5 restores LTX files and an upgraded app's replica (both layouts), 0.3 the rest.
  const line: "0.3" | "0.5" = choice.layout === "ltx" || choice.stored === "mixed" ? "0.5" : "0.3";
  let litestreamBin: string;
  try {
    litestreamBin = resolveLitestreamBinFor(line, ctx.config.litestreamBin, ctx.config.searchPath);
  } catch (err) {
    throw new RestoreFailedError(`cannot restore ${what} (${choice.layout}) without Litestream ${line}: ${(err as Error).message}`);
  }
  const live = { position: parseJson<Position | null>(database.position ?? null, null), at: database.lastHeartbeatAt ?? null };
  const source = choice.layout === "ltx" ? await ltxSource(client, listing, choice, timestamp, what, step, live) : await generationsSource(target, listing.generations, timestamp, what, step);
  if (source.problem) {
    if (source.noForce) throw new RestoreRefusedError(`refusing to restore ${what}: ${source.problem}; ${source.noForce}`);
    if (!options.force) throw new RestoreRefusedError(`refusing to restore ${what}: ${source.problem} (--force restores anyway; the result may lack rows)`);
    step("check", `warning: ${source.problem}; restoring anyway (--force)`);
  }
  const free = await freeSpace(options.scratch);
  const needed = requiredFreeBytes(source.bytes, database.sizeBytes > 0n ? Number(database.sizeBytes + database.walBytes) : null);
  if (free < needed) {
    throw new RestoreRefusedError(`cannot restore ${what}: not enough free disk in ${ctx.config.drillDir} on the core: ${formatBytes(free)} free, ${formatBytes(needed)} needed to restore ${formatBytes(source.bytes)} of backup`);
  }
  step("restore", `litestream ${line} restore${source.generation ? ` -generation ${source.generation}` : ""}${source.timestamp ? ` -timestamp ${source.timestamp.toISOString()}` : ""} (as of ${source.restorePoint.toISOString()})`);
  let result;
  try {
    result = await runIsolated(
      {
        replica: target,
        generation: source.generation,
        txid: source.timestamp ? null : source.txid,
        timestamp: source.timestamp?.toISOString() ?? null,
        checkPolicy: "quick",
        assertions: [],
        restoreTimeoutMs: 6 * 3600_000,
        checkTimeoutMs: 3600_000,
        litestreamBin,
        litestreamLine: line,
      },
      { mode: ctx.config.drillIsolation },
      { scratch: options.scratch, hide: [ctx.config.dataDir, ctx.config.drillDir], onStep: step },
    );
  } catch (err) {
    if (err instanceof IsolationError) throw new RestoreFailedError(`cannot restore ${what}: ${err.message}`);
    throw err;
  }
  const changed = target.type === "file" ? await fileReplicaChange(target.path) : null;
  if (changed) throw new RestoreFailedError(`cannot restore ${what}: ${changed}`);
  if (!result.ok && result.stage === "restore") throw new RestoreFailedError(`cannot restore ${what}: ${source.nameFiles(result.message)}`);
  if (!result.ok) {
    step("check", `warning: the restored copy could not be checked: ${result.message}`);
  } else {
    const rows = Object.values(result.inspection.tables).reduce((a, b) => a + b, 0);
    const ok = result.inspection.integrity === "ok";
    step("check", `${result.check}: ${ok ? "ok" : `warning: ${result.inspection.integrity}`}; ${Object.keys(result.inspection.tables).length} table(s), ${rows} row(s)`);
  }
  const bytes = result.restoredBytes;
  return {
    file: path.join(options.scratch, RESTORED_FILE),
    replica: shown,
    generation: source.generation || null,
    txid: source.txid,
    restorePoint: source.restorePoint.toISOString(),
    bytes,
    restoreSeconds: result.restoreSeconds,
  };
}

/** What the restore restores and what the drill's pre-checks found wrong with it (`problem`, null when whole). */
interface Source {
  generation: string;
  txid: number | null;
  timestamp: Date | null;
  restorePoint: Date;
  bytes: number;
  problem: string | null;
  /** Why --force cannot get past `problem` and what to do instead (LTX content damage, on which Litestream fails too); null when it can. */
  noForce: string | null;
  nameFiles(message: string): string;
}

async function generationsSource(target: ReplicaTarget, files: ReplicaFile[], timestamp: Date | null, what: string, step: Step): Promise<Source> {
  const planned = planFromListing(files, timestamp);
  if (!planned.ok) throw new RestoreRefusedError(`cannot restore ${what}: ${planned.reason}`);
  const { plan, generation } = planned;
  const last = plan.wal.at(-1);
  step(
    "inspect-replica",
    `generation ${plan.generation}: snapshot ${segmentName(plan.snapshot)}, ${plan.wal.length} WAL segment(s) to apply${last ? ` up to ${segmentName(last)}` : ""}; ${formatBytes(generation.bytes)} stored`,
  );
  const segments = await checkWalSegments(target, plan);
  if (segments.ok) step("check", `${plan.wal.length} WAL segment(s) checked: checksums ok, no overlap, no hole`);
  return {
    generation: plan.generation,
    txid: null,
    timestamp: plan.timestamp,
    restorePoint: plan.restorePoint,
    bytes: generation.bytes,
    problem: segments.ok ? null : segments.reason,
    noForce: null,
    nameFiles: (message) => nameFiles(message, plan),
  };
}

async function ltxSource(client: ReplicaClient, listing: ReplicaListing, choice: LayoutChoice, timestamp: Date | null, what: string, step: Step, live: { position: Position | null; at: Date | null }): Promise<Source> {
  const prepared = await prepareLtxRestore(client, listing, choice, timestamp);
  if ("failed" in prepared) throw new RestoreRefusedError(`cannot restore ${what}: ${prepared.failed}`);
  step("inspect-replica", prepared.summary);
  for (const warning of prepared.warnings) step("inspect-replica", `warning: ${warning}`);
  // A restore is only as good as its files: verified before restoring (the drill does it beside the restore).
  const verified = await prepared.verify?.();
  let restorePoint = prepared.restorePoint;
  let problem: string | null = null;
  let noForce: string | null = null;
  if (verified && "damaged" in verified) {
    problem = verified.damaged;
    if (litestreamFailsOnDamage(problem)) noForce = damageEscapeWords(verified.file ? restoreBefore(listing.ltx, verified.file) : null);
  } else if (verified) {
    step("check", verified.summary);
    restorePoint = verified.restorePoint;
  }
  problem ??= ltxPastDatabase({ restoredTxid: prepared.txid ?? 0, restorePoint: prepared.restorePoint, live: live.position, liveAt: live.at, timestamp });
  return { generation: "", txid: prepared.txid, timestamp: prepared.timestamp, restorePoint, bytes: prepared.bytes, problem, noForce, nameFiles: prepared.nameFiles };
}
