// The isolated part of a drill: restore the chosen generation into the
// current directory and inspect the copy. It runs where the drill's isolation
// puts it (a sandboxed child process or a container) and knows nothing of the
// core: no database, no secret key, no data dir. Everything it needs arrives
// in one IsolatedJob; everything it learns leaves as one IsolatedResult.
import { stat } from "node:fs/promises";
import path from "node:path";
import { restore, RestoreError } from "../../litestream/commands.ts";
import type { ReplicaTarget } from "../../litestream/replica-url.ts";
import { chooseCheck } from "../decisions.ts";
import type { CheckPolicy } from "../../generated/prisma/enums.ts";
import { formatBytes } from "../../words/bytes.ts";
import { inspectDatabase, type Inspection } from "../inspect.ts";

/** What the core sends (as JSON): the replica with read credentials, the generation the plan chose, the checks and limits. */
export interface IsolatedJob {
  replica: ReplicaTarget;
  generation: string;
  /** ISO time of a point-in-time restore; null for the latest. */
  timestamp: string | null;
  /** The project's check policy. */
  checkPolicy: CheckPolicy;
  assertions: { sql: string }[];
  restoreTimeoutMs: number;
  checkTimeoutMs: number;
  assertionTimeoutMs?: number;
  /** Litestream binary; null: the one found where the job runs (LITESTREAM_BIN, npm, PATH). */
  litestreamBin: string | null;
  /**
   * `-txid` of a latest Litestream 0.5 restore: the end of the plan the core verified, so LTX files
   * written after the plan are not restored unchecked; null for 0.3 and for point-in-time restores.
   */
  txid: number | null;
  /** Litestream's line that restores this replica: "0.5" for LTX files (and mixed history), "0.3" for generations. */
  litestreamLine: "0.3" | "0.5";
}

/** Restored and inspected; `inspection` holds the raw findings, the core judges them. */
export interface IsolatedPassed {
  ok: true;
  restoreSeconds: number;
  restoredBytes: number;
  check: "integrity_check" | "quick_check";
  checkSeconds: number;
  inspection: Inspection;
}

/** Litestream's restore failed: its message and output, as RestoreError carries them. */
export interface IsolatedRestoreFailed {
  ok: false;
  stage: "restore";
  message: string;
  output: string;
  timedOut: boolean;
}

/** The restored copy could not be inspected (unreadable, or a check over its time limit). */
export interface IsolatedCheckFailed {
  ok: false;
  stage: "check";
  message: string;
  restoreSeconds: number;
  restoredBytes: number;
  check: "integrity_check" | "quick_check";
}

export type IsolatedResult = IsolatedPassed | IsolatedRestoreFailed | IsolatedCheckFailed;

/** A progress line for the drill's report ("restore", "check"). */
export type Emit = (step: string, message: string) => void;

export const RESTORED_FILE = "restored.sqlite3";

/** Restores into `dir` and inspects; never throws for a bad backup (that is a result), only for a broken job. */
export async function runIsolatedJob(job: IsolatedJob, dir: string, emit: Emit): Promise<IsolatedResult> {
  const output = path.join(dir, RESTORED_FILE);
  const timestamp = job.timestamp ? new Date(job.timestamp) : undefined;
  const started = Date.now();
  try {
    await restore(
      { replica: job.replica },
      {
        outputPath: output,
        timestamp,
        generation: job.generation,
        txid: job.txid ?? undefined,
        timeoutMs: job.restoreTimeoutMs,
        bin: job.litestreamBin ?? undefined,
        onProgress: (p) => {
          const at = `${(p.elapsedMs / 1000).toFixed(2)}s`;
          if (p.stage === "snapshot") emit("restore", `snapshot index ${p.index} of generation ${p.generation} (${at})`);
          if (p.stage === "wal") emit("restore", `replaying WAL indexes ${p.index}–${p.indexMax} (${at})`);
        },
      },
    );
  } catch (err) {
    if (err instanceof RestoreError) return { ok: false, stage: "restore", message: err.message, output: err.output, timedOut: err.timedOut };
    throw err;
  }
  const restoreSeconds = (Date.now() - started) / 1000;
  const restoredBytes = (await stat(output)).size;
  emit("restore", `restored ${formatBytes(restoredBytes)} in ${restoreSeconds.toFixed(2)}s`);

  const check = chooseCheck(job.checkPolicy, restoredBytes);
  const checkStarted = Date.now();
  emit("check", `PRAGMA ${check}, foreign_key_check, row counts${job.assertions.length ? `, ${job.assertions.length} assertion(s)` : ""}`);
  try {
    const inspection = await inspectDatabase(output, {
      check,
      assertions: job.assertions,
      timeoutMs: job.checkTimeoutMs,
      assertionTimeoutMs: job.assertionTimeoutMs,
      onPlan: (plan, threads) => emit("check", plan.length === 1 ? `${plan[0]} in one pass` : `integrity_check split in ${plan.length} parts on ${threads} threads: quick_check over the whole file, integrity_check of each table`),
    });
    return { ok: true, restoreSeconds, restoredBytes, check, checkSeconds: (Date.now() - checkStarted) / 1000, inspection };
  } catch (err) {
    return { ok: false, stage: "check", message: (err as Error).message, restoreSeconds, restoredBytes, check };
  }
}
