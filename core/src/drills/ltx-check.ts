// The checks a drill runs before restoring a Litestream 0.5 (LTX) replica, the
// counterpart of restore-check.ts for 0.3 generations:
//   - the restore plan `litestream restore` 0.5 would follow (ltx-plan.ts), or
//     why it would fail — a gap in the TXIDs is named by the TXIDs and files,
//     also for a point-in-time restore, where Litestream would silently stop;
//   - every file of that plan read whole and verified (layout/v5.ts: header,
//     pages, CRC-64/ISO file checksum, name vs header): 0.5 writes no database
//     checksum, so this is the only check of the files' content before restoring;
//   - the newest snapshot's age against the snapshot retention (a warning).
//
//   checkLtxReplica(client, ltx: LtxFile[], options): Promise<LtxCheck>
//     options: { timestamp: Date | null, now?: Date, snapshotRetentionMs?: number }
//     throws ReplicaReadError when storage cannot be read (storage trouble, not damage).
//   prepareLtxRestore(client, listing, choice, timestamp): Promise<RestoreSource | { failed }>
import type { LtxFile, ReplicaClient, ReplicaListing } from "../litestream/client/replica-client.ts";
import type { LayoutChoice } from "../litestream/layout/detect.ts";
import type { RestoreSource } from "./restore-source.ts";
import { SNAPSHOT_LEVEL } from "../litestream/client/replica-client.ts";
import { ltxLabel, planLtxRestore, type LtxRestorePlan } from "../litestream/ltx-plan.ts";
import { DamagedLtxError, verifyLtxPlan, withHeaderTimes, type VerifiedPlan } from "../litestream/layout/v5.ts";
import { formatBytes } from "./disk.ts";

/** Litestream 0.5's default snapshot retention (snapshot.retention, 24h). */
export const DEFAULT_SNAPSHOT_RETENTION_MS = 24 * 3600_000;

export type LtxCheck =
  | { ok: true; plan: LtxRestorePlan; verified: VerifiedPlan; summary: string; warnings: string[] }
  | { ok: false; reason: string };

const hex = (n: number) => n.toString(16).padStart(16, "0");

function hours(ms: number): string {
  return ms >= 48 * 3600_000 ? `${Math.round(ms / 86_400_000)} d` : `${Math.round(ms / 3600_000)} h`;
}

export function snapshotAgeWarning(ltx: LtxFile[], now: Date, retentionMs: number): string | null {
  const snapshots = ltx.filter((f) => f.level === SNAPSHOT_LEVEL);
  if (snapshots.length === 0) return `the replica holds no snapshot (level ${SNAPSHOT_LEVEL}): a restore replays every LTX file from TXID 1`;
  const newest = snapshots.reduce((a, f) => (f.createdAt > a.createdAt ? f : a));
  const age = now.getTime() - newest.createdAt.getTime();
  if (age <= retentionMs + 3600_000) return null;
  return `the newest snapshot (${ltxLabel(newest)}, ${newest.createdAt.toISOString()}) is ${hours(age)} old, beyond the ${hours(retentionMs)} snapshot retention: Litestream has stopped taking snapshots, and a restore replays ever more files`;
}

export async function checkLtxReplica(
  client: ReplicaClient,
  ltx: LtxFile[],
  options: { timestamp: Date | null; now?: Date; snapshotRetentionMs?: number },
): Promise<LtxCheck> {
  const planned = planLtxRestore(ltx, { timestamp: options.timestamp });
  if (!planned.ok) return { ok: false, reason: `litestream restore of ${client.url} would fail: ${planned.reason}` };
  const plan = planned.plan;
  let verified: VerifiedPlan;
  try {
    verified = await verifyLtxPlan(client, plan, { timeoutMs: 60_000 });
  } catch (err) {
    if (err instanceof DamagedLtxError) return { ok: false, reason: `backup is damaged: ${err.message}` };
    throw err;
  }
  const warnings: string[] = [];
  const age = options.timestamp ? null : snapshotAgeWarning(ltx, options.now ?? new Date(), options.snapshotRetentionMs ?? DEFAULT_SNAPSHOT_RETENTION_MS);
  if (age) warnings.push(age);
  const levels = [...new Set(plan.files.map((f) => f.level))].sort((a, b) => b - a).join(", ");
  const summary =
    `LTX: ${plan.snapshot ? `snapshot ${plan.snapshot.name}` : "no snapshot"}, ${plan.files.length} file(s) from level(s) ${levels} up to TXID ${hex(plan.maxTXID)}, ` +
    `${verified.pages} page(s) and ${formatBytes(verified.bytes)} verified (CRC-64/ISO); ${ltx.length} LTX file(s) stored`;
  return { ok: true, plan, verified, summary, warnings };
}

/** The LTX side of a drill: the checks above, as the source the restore reads; or why the drill fails before restoring. */
export async function prepareLtxRestore(
  client: ReplicaClient,
  listing: ReplicaListing,
  choice: LayoutChoice,
  timestamp: Date | null,
): Promise<RestoreSource | { failed: string }> {
  let ltx = listing.ltx;
  if (timestamp && client.type === "s3") {
    try {
      ltx = await withHeaderTimes(client, ltx, { timeoutMs: 30_000 });
    } catch (err) {
      if (err instanceof DamagedLtxError) return { failed: `backup is damaged: ${err.message}` };
      throw err;
    }
  }
  const checked = await checkLtxReplica(client, ltx, { timestamp });
  if (!checked.ok) return { failed: checked.reason };
  const { plan, verified } = checked;
  const warnings = [...checked.warnings];
  if (choice.stored === "mixed") {
    warnings.push(`the replica holds both 0.3 generations and 0.5 LTX files: a 0.5 restore uses the LTX files because ${choice.because}; the generations are not drilled`);
  }
  return {
    layout: "ltx",
    generation: "",
    timestamp,
    restorePoint: verified.restorePoint,
    restoredEnd: null,
    txid: plan.maxTXID,
    bytes: verified.bytes,
    summary: checked.summary,
    warnings,
    nameFiles: (message) => {
      const m = message.match(/level=(\d+) min=([0-9a-f]{16}) max=([0-9a-f]{16})/);
      const file = m && plan.files.find((f) => f.level === Number(m[1]) && f.minTXID === parseInt(m[2], 16) && f.maxTXID === parseInt(m[3], 16));
      return file ? `${message} (${ltxLabel(file)}: ${file.key})` : message;
    },
  };
}
