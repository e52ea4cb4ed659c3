// Whether the WAL segments of each index join up: one Litestream writes them
// end to end (segment N+1 starts where N ends). A segment that starts below the
// end of the one before it (or at the same offset) means a second process
// replicates the same database to the same path; Litestream's restore then
// concatenates both streams and SQLite silently drops everything after the
// first broken frame. A segment starting beyond the end of the one before it
// is a hole (a segment removed or cut short). Sizes are uncompressed bytes,
// read from each segment's LZ4 frame by the caller.
//
//   overlappingSegments(files: ReplicaFile[], sizeOf: (f) => number | undefined): string[]   pure
//   walHoles(files: ReplicaFile[], sizeOf): string[]                                          pure
// Segments whose size is unknown are skipped (never guessed). One message per index.
import type { ReplicaFile } from "./replica-files.ts";
import { segmentName } from "./restore-plan.ts";

type SizeOf = (file: ReplicaFile) => number | undefined;

/** WAL segments grouped by generation and index, offsets ascending. */
function byIndex(files: ReplicaFile[]): ReplicaFile[][] {
  const groups = new Map<string, ReplicaFile[]>();
  for (const f of files) {
    if (f.kind !== "wal") continue;
    const key = `${f.generation}/${f.index}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()]
    .map((g) => g.sort((a, b) => a.offset - b.offset))
    .sort((a, b) => a[0].generation.localeCompare(b[0].generation) || a[0].index - b[0].index);
}

const endOf = (file: ReplicaFile, sizeOf: SizeOf) => {
  const size = sizeOf(file);
  return size === undefined ? undefined : file.offset + size;
};

export function overlappingSegments(files: ReplicaFile[], sizeOf: SizeOf): string[] {
  const problems: string[] = [];
  for (const segments of byIndex(files)) {
    const pairs: string[] = [];
    // The segment reaching furthest so far: an overlap may span several segments.
    let reach: { file: ReplicaFile; end: number | undefined } = { file: segments[0], end: endOf(segments[0], sizeOf) };
    for (const file of segments.slice(1)) {
      if (file.offset === reach.file.offset || (reach.end !== undefined && file.offset < reach.end)) {
        pairs.push(`${segmentName(reach.file)} ends at byte ${reach.end ?? "?"}, ${segmentName(file)} starts at ${file.offset}`);
      }
      const end = endOf(file, sizeOf);
      if (end === undefined || reach.end === undefined || end > reach.end) reach = { file, end };
    }
    if (pairs.length === 0) continue;
    const { generation, index } = segments[0];
    const more = pairs.length > 1 ? `; ${pairs.length - 1} more overlap(s)` : "";
    problems.push(`overlapping WAL segments at index ${index} of generation ${generation} (${pairs[0]}${more}): two processes replicate to this path`);
  }
  return problems;
}

export function walHoles(files: ReplicaFile[], sizeOf: SizeOf): string[] {
  const problems: string[] = [];
  for (const segments of byIndex(files)) {
    for (let i = 1; i < segments.length; i++) {
      const size = sizeOf(segments[i - 1]);
      if (size === undefined) continue;
      const end = segments[i - 1].offset + size;
      if (segments[i].offset > end) {
        const { generation, index } = segments[i];
        problems.push(
          `WAL index ${index} of generation ${generation} has a hole: bytes ${end}–${segments[i].offset} are missing between ${segmentName(segments[i - 1])} and ${segmentName(segments[i])}`,
        );
        break;
      }
    }
  }
  return problems;
}
