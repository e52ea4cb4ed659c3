// A restore applies WAL segments in order from the snapshot on; a missing
// index or a hole between offsets would end it early, silently. Found before
// restoring, so a damaged replica fails the drill instead of passing with old
// counts. Segment sizes come from the LZ4 frames (read with `sizeOf`).
import type { ReplicaFile } from "../litestream/replica-reader.ts";

/** The generation a restore uses: the newest one, or for a point in time the newest with a snapshot before it. */
export function pickGeneration(files: ReplicaFile[], timestamp: Date | null): string | null {
  const candidates = files.filter((f) => f.kind === "snapshot" && (!timestamp || f.modifiedAt <= timestamp));
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (b.modifiedAt > a.modifiedAt ? b : a)).generation;
}

export async function walGaps(
  files: ReplicaFile[],
  generation: string,
  timestamp: Date | null,
  sizeOf: (file: ReplicaFile) => Promise<number>,
): Promise<string[]> {
  const inGeneration = files.filter((f) => f.generation === generation);
  const snapshots = inGeneration
    .filter((f) => f.kind === "snapshot" && (!timestamp || f.modifiedAt <= timestamp))
    .sort((a, b) => b.index - a.index);
  const base = snapshots[0];
  if (!base) return [`generation ${generation} has no snapshot${timestamp ? ` before ${timestamp.toISOString()}` : ""}`];
  const wal = inGeneration
    .filter((f) => f.kind === "wal" && f.index >= base.index && (!timestamp || f.modifiedAt <= timestamp))
    .sort((a, b) => a.index - b.index || a.offset - b.offset);
  if (wal.length === 0) return [];
  const gaps: string[] = [];
  const maxIndex = wal[wal.length - 1].index;
  for (let index = base.index; index <= maxIndex; index++) {
    const segments = wal.filter((f) => f.index === index);
    if (segments.length === 0) {
      gaps.push(`WAL index ${index} of generation ${generation} is missing (segments go up to index ${maxIndex})`);
      continue;
    }
    let expected = 0;
    for (const seg of segments) {
      if (seg.offset !== expected) {
        gaps.push(`WAL index ${index} of generation ${generation} has a hole: bytes ${expected}–${seg.offset} are missing`);
        break;
      }
      expected = seg.offset + (await sizeOf(seg));
    }
  }
  return gaps;
}
