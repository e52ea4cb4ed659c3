// Pure decisions of a drill: which check to run, what counts as a failure or
// a warning, and the verdict.
import { backoffMs } from "../backoff.ts";
import { secondsBetween } from "../words/seconds.ts";
import type { Position } from "../protocol.ts";
import { NEWEST_LTX_MISSING } from "../litestream/ltx-damage.ts";
import { txidLabel } from "../litestream/txid-label.ts";
import type { CheckPolicy } from "../generated/prisma/enums.ts";

/** Above this size "auto" runs quick_check: integrity_check reads every index entry. */
export const QUICK_CHECK_ABOVE_BYTES = 2 * 1024 ** 3;

export function chooseCheck(policy: CheckPolicy, sizeBytes: number): "integrity_check" | "quick_check" {
  if (policy === "quick") return "quick_check";
  if (policy === "integrity") return "integrity_check";
  return sizeBytes > QUICK_CHECK_ABOVE_BYTES ? "quick_check" : "integrity_check";
}

export type Op = ">=" | ">" | "=" | "<=" | "<" | "!=";

export function compare(actual: number, op: Op | string, expected: number): boolean {
  switch (op) {
    case ">=":
      return actual >= expected;
    case ">":
      return actual > expected;
    case "=":
      return actual === expected;
    case "<=":
      return actual <= expected;
    case "<":
      return actual < expected;
    case "!=":
      return actual !== expected;
    default:
      return false;
  }
}

/** Compares with the last passing drill: a missing table fails, a drop beyond the threshold warns. */
export function compareWithPrevious(
  current: Record<string, number>,
  previous: Record<string, number> | null,
  warnPercent: number,
): { failures: string[]; warnings: string[] } {
  const failures: string[] = [];
  const warnings: string[] = [];
  if (!previous) return { failures, warnings };
  for (const [table, before] of Object.entries(previous)) {
    // Own keys only: a table named "constructor" or "toString" must not be found on Object.prototype.
    if (!Object.hasOwn(current, table)) {
      failures.push(`table ${table} is missing (it had ${before} rows in the last passing drill)`);
      continue;
    }
    const now = current[table];
    if (before > 0 && now < before) {
      const drop = ((before - now) / before) * 100;
      if (drop >= warnPercent) {
        warnings.push(`table ${table} dropped ${Math.round(drop)}% since the last passing drill (${before} → ${now} rows)`);
      }
    }
  }
  return { failures, warnings };
}

/** Compares with the row counts the agent last reported from the live database. */
export function compareWithLive(
  current: Record<string, number>,
  live: Record<string, number> | null,
  warnPercent: number,
): string[] {
  if (!live) return [];
  const warnings: string[] = [];
  for (const [table, liveCount] of Object.entries(live)) {
    if (!Object.hasOwn(current, table)) {
      warnings.push(`table ${table} exists in the live database (${liveCount} rows) but not in the backup`);
      continue;
    }
    const restored = current[table];
    if (liveCount > 0 && restored < liveCount && ((liveCount - restored) / liveCount) * 100 >= warnPercent) {
      warnings.push(`table ${table} has ${restored} rows in the backup but ${liveCount} in the live database`);
    }
  }
  return warnings;
}

/** The TXID of a Litestream 0.5 position (`generation` null, the TXID in `txid` or `offset`); null for a 0.3 one. */
export function positionTxid(p: Position | null): number | null {
  if (!p || p.generation !== null) return null;
  return p.txid ?? p.offset;
}

/**
 * Whether a restore ending at `restored` reaches the database's position `live`
 * as the agent last reported it. 0.3: same generation, same or later
 * index/offset. 0.5: restored TXID at or past the database's TXID.
 */
export function reachesLive(restored: Position | null, live: Position | null): boolean {
  if (!restored || !live) return false;
  const restoredTxid = positionTxid(restored);
  const liveTxid = positionTxid(live);
  if (restoredTxid !== null || liveTxid !== null) return restoredTxid !== null && liveTxid !== null && restoredTxid >= liveTxid;
  return restored.generation === live.generation && (restored.index > live.index || (restored.index === live.index && restored.offset >= live.offset));
}

/**
 * Recovery point of a restore, in seconds: how much older the restored state
 * is than the last live change the agent saw. 0 when the restore reaches the
 * database's own position (reachesLive: 0.3 generation/index/offset, 0.5 TXID);
 * else the last change's time (agent clock) minus the restore point (creation
 * time of the newest file restored); null when neither is known — never assumed 0.
 */
export function rpoSeconds(input: {
  restorePoint: Date | null;
  restored: Position | null;
  live: Position | null;
  changedAt: Date | null;
}): number | null {
  const { restorePoint, restored, live, changedAt } = input;
  if (!restorePoint) return null;
  if (reachesLive(restored, live)) return 0;
  if (!changedAt) return null;
  return Math.max(0, secondsBetween(restorePoint, changedAt));
}

/**
 * Why a restore of the latest backup would not bring back the live database:
 * the restore uses another generation than the one Litestream writes now
 * (the agent's `position.generation`). Null when they agree or the live one is unknown.
 */
export function generationMismatch(restored: string, live: string | null, inReplica: string[]): string | null {
  if (!live || live === restored) return null;
  const where = inReplica.includes(live) ? "a newer backup of it exists but is not what a restore picks" : "it has nothing in the replica yet";
  return `restored generation ${restored}, but the live database is on generation ${live} (${where}): a restore now would not bring back the live data`;
}

/**
 * The 0.5 counterpart of generationMismatch: why a restore of the latest
 * backup brings back less than storage held. `restoredTxid`: where the restore
 * plan ends; `replica`: the replica's position in the agent's latest heartbeat
 * (its newest LTX file's max TXID over every level, read from storage; a
 * compaction keeps it, since a level-1 file ends where its level-0 files did),
 * seen at `seenAt`; `high`: the highest replica TXID the core kept from
 * heartbeats in the database's current history (store/replica-high-mark.ts),
 * first seen at `high.seenAt` — the agent re-reads storage, so after files are
 * removed only this mark still shows what was stored. Fails when the restore
 * ends below the higher of the two: files that were stored are gone. Null when
 * it reaches it, when neither is known (or the position is a 0.3 one), and for
 * a point-in-time drill (`timestamp`), which legitimately restores less.
 */
export function ltxBelowReplica(input: {
  restoredTxid: number;
  replica: Position | null;
  seenAt: Date | null;
  high?: { txid: number; seenAt: Date | null } | null;
  timestamp: Date | null;
}): string | null {
  const latest = positionTxid(input.replica);
  const fromHigh = input.high && (latest === null || input.high.txid > latest);
  const seen = fromHigh ? input.high!.txid : latest;
  const seenAt = fromHigh ? input.high!.seenAt : input.seenAt;
  if (input.timestamp || seen === null || input.restoredTxid >= seen) return null;
  const at = seenAt ? ` at ${seenAt.toISOString()}` : "";
  const missing = input.restoredTxid + 1 === seen ? `TXID ${txidLabel(seen)}` : `TXIDs ${txidLabel(input.restoredTxid + 1)}–${txidLabel(seen)}`;
  return `storage holds up to TXID ${txidLabel(input.restoredTxid)} but the agent saw the replica reach TXID ${txidLabel(seen)}${at}: ${NEWEST_LTX_MISSING} (${missing}), and a restore now would not bring back the data they held`;
}

/** Clock difference allowed between the storage's file times and the agent's report time. */
const REPORT_CLOCK_SLACK_MS = 10_000;

/**
 * Why a latest restore gives another history than the live database's (Litestream 0.5), or null: the restore
 * ends at `restoredTxid`, past the database's TXID `live` as the agent reported it at `liveAt`, and its newest
 * file (`restorePoint`, storage time) was made before that report. In one history no file made before a report
 * holds a TXID the database had not reached, so these files are another history's: Litestream's state reset over
 * a replica that held later TXIDs, or the database replaced by an older copy (agent/replica-rewind.ts names the
 * live error). A restore's newer files, or a point-in-time drill (`timestamp`), are no reason.
 */
export function ltxPastDatabase(input: { restoredTxid: number; restorePoint: Date | null; live: Position | null; liveAt: Date | null; timestamp: Date | null }): string | null {
  const liveTxid = positionTxid(input.live);
  if (input.timestamp || liveTxid === null || liveTxid <= 0 || input.restoredTxid <= liveTxid || !input.restorePoint || !input.liveAt) return null;
  if (input.restorePoint.getTime() > input.liveAt.getTime() - REPORT_CLOCK_SLACK_MS) return null;
  return (
    `the backup reaches TXID ${txidLabel(input.restoredTxid)}, past the database's TXID ${txidLabel(liveTxid)} the agent reported at ${input.liveAt.toISOString()}, ` +
    `with files made before that report (the newest at ${input.restorePoint.toISOString()}): the replica holds another history of this database ` +
    `(Litestream's state reset, or the database replaced by an older copy), and a restore gives that history, not this database's data`
  );
}

/**
 * Bytes a restore needs free. The restored file is as large as the live
 * database the agent last reported (plus its WAL, which the restore replays);
 * without a report, assume the compressed backup grows threefold. A margin
 * covers Litestream's temporary files.
 */
export function requiredFreeBytes(replicaBytes: number, liveBytes: number | null = null): number {
  const estimate = Math.max(replicaBytes * 3, liveBytes ?? 0);
  return Math.ceil(estimate * 1.1) + 16 * 1024 * 1024;
}

/** Wait before the next attempt of a drill that could not reach storage: 2 s, 4 s, 8 s … capped at 5 min. */
export function retryDelayMs(attempt: number): number {
  return backoffMs(attempt, 2_000, 300_000);
}

/**
 * Words of the network or of S3 for storage that could not be reached: worth
 * another attempt, unlike a damaged or missing backup (which fails the drill).
 * A bare EOF is left out: a truncated backup file reads as one too.
 */
export function isStorageUnreachable(message: string): boolean {
  return /connection refused|connection reset|no such host|i\/o timeout|network is unreachable|TLS handshake timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed|ServiceUnavailable|SlowDown|RequestTimeout|InternalError|status code:? 5\d\d/i.test(
    message,
  );
}
