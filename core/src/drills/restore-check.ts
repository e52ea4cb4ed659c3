// The checks a drill runs before restoring, shared with `borela restore` so both
// refuse the same replicas for the same reasons:
//   planFromListing: which generation, snapshot and WAL segments `litestream
//     restore` would use (restore-plan.ts), or why it would fail;
//   checkWalSegments: every WAL segment of that plan decodes (LZ4 checksums, named
//     by file), and the segments of each index join up: no overlap (two processes
//     replicating to one path, wal-continuity.ts), no hole.
//   nameFiles: Litestream's restore error with the files it means named.
//
//   planFromListing(files, timestamp): { ok: true, plan, generation: GenerationSummary } | { ok: false, empty, reason }   pure
//   checkWalSegments(target, plan): Promise<{ ok: true, sizes, end: Position } | { ok: false, reason }>
//     throws InfrastructureError when storage cannot be read (retry later).
import type { Position } from "../protocol.ts";
import type { GenerationSummary, ReplicaFile } from "../litestream/replica-files.ts";
import { summarizeReplica } from "../litestream/replica-files.ts";
import type { ReplicaTarget } from "../litestream/replica-url.ts";
import { planRestore, type RestorePlan } from "../litestream/restore-plan.ts";
import { overlappingSegments, walHoles } from "../litestream/wal-continuity.ts";
import { DamagedSegmentError, readSegments } from "./segments.ts";

/** `empty`: the replica holds no generation at all; otherwise `reason` is why `litestream restore` would fail. */
export type PlanCheck = { ok: true; plan: RestorePlan; generation: GenerationSummary } | { ok: false; empty: boolean; reason: string };
export type SegmentCheck = { ok: true; sizes: Map<string, number>; end: Position } | { ok: false; reason: string };

export function planFromListing(files: ReplicaFile[], timestamp: Date | null): PlanCheck {
  const summary = summarizeReplica(files);
  if (!summary.generation) return { ok: false, empty: true, reason: "no backup found" };
  const planned = planRestore(files, { timestamp });
  if (!planned.ok) return { ok: false, empty: false, reason: planned.reason };
  const generation = summary.generations.find((g) => g.id === planned.plan.generation)!;
  return { ok: true, plan: planned.plan, generation };
}

/** Reads the plan's WAL segments once; `end` is the position the restore reaches (last segment's offset + its size). */
export async function checkWalSegments(target: ReplicaTarget, plan: RestorePlan): Promise<SegmentCheck> {
  let sizes: Map<string, number>;
  try {
    sizes = await readSegments(target, plan.wal);
  } catch (err) {
    if (err instanceof DamagedSegmentError) return { ok: false, reason: `backup is damaged: ${err.message}` };
    throw err;
  }
  const sizeOf = (f: { key: string }) => sizes.get(f.key);
  const problems = [...overlappingSegments(plan.wal, sizeOf), ...walHoles(plan.wal, sizeOf)];
  if (problems.length > 0) return { ok: false, reason: `backup is damaged: ${problems.join("; ")}` };
  const last = plan.wal.at(-1);
  const end = last ? { generation: plan.generation, index: last.index, offset: last.offset + sizes.get(last.key)! } : { generation: plan.generation, index: plan.snapshot.index, offset: 0 };
  return { ok: true, sizes, end };
}

/** Litestream's error for a restore, with the file it names by generation and index named by its file. */
export function nameFiles(message: string, plan: RestorePlan): string {
  if (/cannot restore snapshot/.test(message)) return `${message} (snapshot ${plan.snapshot.key})`;
  const wal = message.match(/cannot download wal [0-9a-f]{16}\/([0-9a-f]{8})/);
  if (!wal) return message;
  const index = parseInt(wal[1], 16);
  return `${message} (WAL segments of index ${index}: ${plan.wal.filter((f) => f.index === index).map((f) => f.key).join(", ")})`;
}
