// The checks a drill runs before restoring a Litestream 0.5 (LTX) replica, the
// counterpart of restore-check.ts for 0.3 generations:
//   - the restore plan `litestream restore` 0.5 would follow (ltx-plan.ts), or
//     why it would fail — a gap in the TXIDs is named by the TXIDs and files,
//     also for a point-in-time restore, where Litestream would silently stop;
//   - every file of that plan read whole and verified (layout/v5.ts: header,
//     pages, CRC-64/ISO file checksum, name vs header): 0.5 writes no database
//     checksum, so this is the only check of the files' content before restoring;
//   - the newest snapshot's age against the snapshot retention (a warning, only when
//     later LTX files exist: an idle database gets no new snapshot), the retention the
//     agent reported for the database (its litestream.yml's `snapshot.retention`,
//     protocol.ts SnapshotReport), else Litestream 0.5's default (24 h).
//
//   snapshotRetention(reportedSeconds: unknown): { ms, source: "reported" | "default" }   pure; anything but
//     a whole number of seconds within SnapshotReport's bounds is the default
//   planLtxCheck(url, ltx: LtxFile[], options): LtxPlanCheck   pure
//     options: { timestamp: Date | null, now?: Date, snapshotRetention?: SnapshotRetention }
//   verifyLtxFiles(client, plan, stored): Promise<{ damaged, file } | { verified, summary }>
//     throws ReplicaReadError when storage cannot be read (storage trouble, not damage).
//   prepareLtxRestore(client, listing, choice, timestamp): Promise<RestoreSource | { failed }>
import type { LtxFile, ReplicaClient, ReplicaListing } from "../litestream/client/replica-client.ts";
import type { LayoutChoice } from "../litestream/layout/detect.ts";
import type { RestoreSource } from "./restore-source.ts";
import { SNAPSHOT_LEVEL } from "../litestream/client/replica-client.ts";
import { ltxLabel, planLtxRestore, type LtxRestorePlan } from "../litestream/ltx-plan.ts";
import { DamagedLtxError, verifyLtxPlan, withHeaderTimes, type VerifiedPlan } from "../litestream/layout/v5.ts";
import { DEFAULT_SNAPSHOT, MAX_SNAPSHOT_SECONDS } from "../litestream/snapshot-config.ts";
import { formatBytes } from "../words/bytes.ts";

/** Litestream 0.5's default snapshot retention (snapshot.retention, 24h). */
export const DEFAULT_SNAPSHOT_RETENTION_MS = DEFAULT_SNAPSHOT.retentionMs;

export interface SnapshotRetention {
  ms: number;
  /** "reported": the database's agent reported it from its litestream.yml; "default": Litestream 0.5's. */
  source: "reported" | "default";
}

export function snapshotRetention(reportedSeconds: unknown): SnapshotRetention {
  const ok = typeof reportedSeconds === "number" && Number.isInteger(reportedSeconds) && reportedSeconds >= 1 && reportedSeconds <= MAX_SNAPSHOT_SECONDS;
  return ok ? { ms: reportedSeconds * 1000, source: "reported" } : { ms: DEFAULT_SNAPSHOT_RETENTION_MS, source: "default" };
}

export type LtxPlanCheck = { ok: true; plan: LtxRestorePlan; warnings: string[] } | { ok: false; reason: string };

const hex = (n: number) => n.toString(16).padStart(16, "0");

function hours(ms: number): string {
  if (ms < 2 * 3600_000) return `${Math.round(ms / 60_000)} min`;
  return ms >= 48 * 3600_000 ? `${Math.round(ms / 86_400_000)} d` : `${Math.round(ms / 3600_000)} h`;
}

export function snapshotAgeWarning(ltx: LtxFile[], now: Date, retention: SnapshotRetention): string | null {
  const retentionMs = retention.ms;
  const snapshots = ltx.filter((f) => f.level === SNAPSHOT_LEVEL);
  if (snapshots.length === 0) return `the replica holds no snapshot (level ${SNAPSHOT_LEVEL}): a restore replays every LTX file from TXID 1`;
  const newest = snapshots.reduce((a, f) => (f.createdAt > a.createdAt ? f : a));
  // Litestream 0.5 takes no snapshot at a TXID its newest snapshot already holds (store.go CompactDB:
  // ErrNoCompaction): an idle database's old snapshot is the whole history, however old.
  if (!ltx.some((f) => f.level !== SNAPSHOT_LEVEL && f.maxTXID > newest.maxTXID)) return null;
  const age = now.getTime() - newest.createdAt.getTime();
  if (age <= retentionMs + Math.min(3600_000, retentionMs)) return null;
  return `the newest snapshot (${ltxLabel(newest)}, ${newest.createdAt.toISOString()}) is ${hours(age)} old, beyond the ${retention.source === "reported" ? `${hours(retentionMs)} snapshot retention its agent reported` : `${hours(retentionMs)} snapshot retention (Litestream 0.5's default; no agent reported one)`}: Litestream has stopped taking snapshots, and a restore replays ever more files`;
}

/** The plan and what is wrong before reading any file: a restore that would fail, the snapshot's age. */
export function planLtxCheck(url: string, ltx: LtxFile[], options: { timestamp: Date | null; now?: Date; snapshotRetention?: SnapshotRetention }): LtxPlanCheck {
  const planned = planLtxRestore(ltx, { timestamp: options.timestamp });
  if (!planned.ok) return { ok: false, reason: `litestream restore of ${url} would fail: ${planned.reason}` };
  const age = options.timestamp ? null : snapshotAgeWarning(ltx, options.now ?? new Date(), options.snapshotRetention ?? snapshotRetention(null));
  return { ok: true, plan: planned.plan, warnings: age ? [age] : [] };
}

/** Reads and verifies every file of the plan: null when whole, else why the backup is damaged. */
export async function verifyLtxFiles(client: ReplicaClient, plan: LtxRestorePlan, stored: number): Promise<{ damaged: string; file: LtxFile } | { verified: VerifiedPlan; summary: string }> {
  let verified: VerifiedPlan;
  try {
    verified = await verifyLtxPlan(client, plan, { timeoutMs: 60_000 });
  } catch (err) {
    if (err instanceof DamagedLtxError) return { damaged: `backup is damaged: ${err.message}`, file: err.file };
    throw err;
  }
  const levels = [...new Set(plan.files.map((f) => f.level))].sort((a, b) => b - a).join(", ");
  const summary =
    `LTX: ${plan.snapshot ? `snapshot ${plan.snapshot.name}` : "no snapshot"}, ${plan.files.length} file(s) from level(s) ${levels} up to TXID ${hex(plan.maxTXID)}, ` +
    `${verified.pages} page(s) and ${formatBytes(verified.bytes)} verified (CRC-64/ISO); ${stored} LTX file(s) stored`;
  return { verified, summary };
}

/**
 * The LTX side of a drill: the plan (or why a restore would fail) now; the files' verification as `verify`,
 * which the drill runs beside the restore (both read the same files; on 2 cores the checksums then cost little
 * time) and awaits before judging anything.
 */
export async function prepareLtxRestore(
  client: ReplicaClient,
  listing: ReplicaListing,
  choice: LayoutChoice,
  timestamp: Date | null,
  retention: SnapshotRetention = snapshotRetention(null),
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
  const checked = planLtxCheck(client.url, ltx, { timestamp, snapshotRetention: retention });
  if (!checked.ok) return { failed: checked.reason };
  const { plan } = checked;
  const warnings = [...checked.warnings];
  if (choice.stored === "mixed") {
    warnings.push(`the replica holds both 0.3 generations and 0.5 LTX files: a 0.5 restore uses the LTX files because ${choice.because}; the generations are not drilled`);
  }
  const last = plan.files.at(-1)!;
  return {
    layout: "ltx",
    generation: "",
    timestamp,
    // The listing's time of the last file (file: its header time; S3: its upload time, or its header time for a point in time).
    restorePoint: last.createdAt,
    restoredEnd: { generation: null, index: 0, offset: plan.maxTXID, txid: plan.maxTXID },
    txid: plan.maxTXID,
    bytes: plan.files.reduce((n, f) => n + f.size, 0),
    summary: `LTX plan: ${plan.files.map(ltxLabel).join(", ")}; verifying each file beside the restore`,
    warnings,
    verify: async () => {
      const result = await verifyLtxFiles(client, plan, ltx.length);
      return "damaged" in result ? { damaged: result.damaged, file: result.file } : { summary: result.summary, restorePoint: result.verified.restorePoint };
    },
    nameFiles: (message) => {
      const m = message.match(/level=(\d+) min=([0-9a-f]{16}) max=([0-9a-f]{16})/);
      const file = m && plan.files.find((f) => f.level === Number(m[1]) && f.minTXID === parseInt(m[2], 16) && f.maxTXID === parseInt(m[3], 16));
      return file ? `${message} (${ltxLabel(file)}: ${file.key})` : message;
    },
  };
}
