// What `litestream restore` 0.3.13 of one replica restores, decided from the
// replica's listing alone, so a drill restores the same thing (and fails the
// same way) as the operator's restore would. The rules, read from Litestream
// v0.3.13 replica.go (CalcRestoreTarget, GenerationTimeBounds, SnapshotIndexAt,
// walSegmentMap, Restore):
//
// - generation: among generations with any file, the one whose newest file
//   (snapshot or WAL segment) is newest; with a timestamp, only generations
//   whose first..last file times contain it. A generation without a snapshot
//   is still chosen — and then the restore fails. Ties go to the generation
//   listed first (by name).
// - snapshot: of that generation, the one created last (at or before the
//   timestamp), whatever its index.
// - WAL: segments in (index, offset) order, up to the first one created after
//   the timestamp; every index must start at offset 0 — below the snapshot's
//   index too; every index from the snapshot's to the highest must exist.
//   A highest WAL index two or more below the snapshot's crashes Litestream
//   ("panic: makechan: size out of range").
//
//   planRestore(files: ReplicaFile[], options?: { timestamp?: Date | null; generation?: string }): PlanResult   pure
//   segmentName(file: ReplicaFile): string   "00000002_00001f40.wal.lz4" / "00000002.snapshot.lz4"
import type { ReplicaFile } from "./replica-files.ts";

export interface RestorePlan {
  generation: string;
  snapshot: ReplicaFile;
  /** The WAL segments the restore applies, in order: indexes snapshot.index..max, offsets ascending. */
  wal: ReplicaFile[];
  /** Pass to `litestream restore -timestamp` (null: the newest state of the generation). */
  timestamp: Date | null;
  /** Creation time of the newest file the restore uses: the state it restores is as of then. */
  restorePoint: Date;
}

export type PlanResult = { ok: true; plan: RestorePlan } | { ok: false; reason: string };

const hex = (n: number) => n.toString(16).padStart(8, "0");

export function segmentName(file: ReplicaFile): string {
  return file.kind === "wal" ? `${hex(file.index)}_${hex(file.offset)}.wal.lz4` : `${hex(file.index)}.snapshot.lz4`;
}

const byPosition = (a: ReplicaFile, b: ReplicaFile) => a.index - b.index || a.offset - b.offset;

function timeBounds(files: ReplicaFile[]): { first: Date; last: Date } {
  let first = files[0].modifiedAt;
  let last = files[0].modifiedAt;
  for (const f of files) {
    if (f.modifiedAt < first) first = f.modifiedAt;
    if (f.modifiedAt > last) last = f.modifiedAt;
  }
  return { first, last };
}

function chooseGeneration(files: ReplicaFile[], timestamp: Date | null, only?: string): PlanResult | string {
  const byGeneration = new Map<string, ReplicaFile[]>();
  for (const f of files) {
    if (only && f.generation !== only) continue;
    byGeneration.set(f.generation, [...(byGeneration.get(f.generation) ?? []), f]);
  }
  let chosen: { id: string; last: Date } | null = null;
  const spans: string[] = [];
  for (const id of [...byGeneration.keys()].sort()) {
    const { first, last } = timeBounds(byGeneration.get(id)!);
    spans.push(`${id} spans ${first.toISOString()} – ${last.toISOString()}`);
    if (timestamp && (timestamp < first || timestamp > last)) continue;
    if (!chosen || last > chosen.last) chosen = { id, last };
  }
  if (chosen) return chosen.id;
  if (byGeneration.size === 0) {
    return { ok: false, reason: `no matching backups found: the replica holds no generation${only ? ` named ${only}` : ""}` };
  }
  return { ok: false, reason: `no matching backups found: no generation spans ${timestamp!.toISOString()} (${spans.join("; ")})` };
}

export function planRestore(files: ReplicaFile[], options: { timestamp?: Date | null; generation?: string } = {}): PlanResult {
  const timestamp = options.timestamp ?? null;
  const chosen = chooseGeneration(files, timestamp, options.generation);
  if (typeof chosen !== "string") return chosen;
  const generation = chosen;
  const inGeneration = files.filter((f) => f.generation === generation);
  const at = timestamp ? ` at or before ${timestamp.toISOString()}` : "";

  let snapshot: ReplicaFile | null = null;
  for (const s of inGeneration.filter((f) => f.kind === "snapshot").sort(byPosition)) {
    if (timestamp && s.modifiedAt > timestamp) continue;
    if (!snapshot || s.modifiedAt > snapshot.modifiedAt) snapshot = s;
  }
  if (!snapshot) {
    const walCount = inGeneration.filter((f) => f.kind === "wal").length;
    return {
      ok: false,
      reason: `generation ${generation}, the one a restore uses, has no snapshot${at} (${walCount} WAL segment(s) only): litestream restore fails with "no snapshots available"`,
    };
  }

  const offsets = new Map<number, ReplicaFile[]>();
  for (const w of inGeneration.filter((f) => f.kind === "wal").sort(byPosition)) {
    if (timestamp && w.modifiedAt > timestamp) break;
    const list = offsets.get(w.index) ?? [];
    if (list.length === 0 && w.offset !== 0) {
      return {
        ok: false,
        reason: `WAL index ${w.index} of generation ${generation} has no initial segment (the first is ${segmentName(w)}): litestream restore fails with "missing initial wal segment"`,
      };
    }
    offsets.set(w.index, [...list, w]);
  }
  const maxIndex = Math.max(-1, ...offsets.keys());
  if (maxIndex !== -1 && maxIndex < snapshot.index - 1) {
    return {
      ok: false,
      reason: `WAL of generation ${generation} ends at index ${maxIndex}, below its snapshot's index ${snapshot.index} (${segmentName(snapshot)}): litestream restore crashes ("makechan: size out of range")`,
    };
  }
  const wal: ReplicaFile[] = [];
  for (let index = snapshot.index; index <= maxIndex; index++) {
    const segments = offsets.get(index);
    if (!segments) {
      return {
        ok: false,
        reason: `WAL index ${index} of generation ${generation} is missing (segments go up to index ${maxIndex}): litestream restore fails with "missing WAL index"`,
      };
    }
    wal.push(...segments);
  }
  const used = [snapshot, ...wal];
  const restorePoint = used.reduce((t, f) => (f.modifiedAt > t ? f.modifiedAt : t), snapshot.modifiedAt);
  return { ok: true, plan: { generation, snapshot, wal, timestamp, restorePoint } };
}
