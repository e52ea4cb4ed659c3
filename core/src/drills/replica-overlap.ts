// Whether two projects report the same file replica: a directory one project's agent reports
// that equals, holds or lies inside a directory another project reports. An agent token may
// report only its own project's state (DESIGN.md "The trust boundary"), and nothing but the
// reports says which project owns a directory under BORELA_FILE_REPLICA_ROOTS, so a directory
// more than one project reports belongs to none of them as far as drills and restores go.
//
//   fileReplicasOverlap(a, b): boolean                         pure: equal, or one inside the other
//   overlappingProjects(mine, others): string[]                pure: names of the others that overlap
//   sharedFileReplicaWords(shownUrl, projects): string         the admin-facing refusal
import { isInside } from "./inside-dir.ts";

/**
 * True when the absolute directories `a` and `b` are the same or one lies inside the other,
 * compared by whole segments after resolving "." / ".." and trailing slashes: /r/B and /r/B2 do not overlap.
 */
export function fileReplicasOverlap(a: string, b: string): boolean {
  return isInside(a, b) || isInside(b, a);
}

/** A reported file replica directory as written in its URL and with symbolic links resolved (the same when it does not exist). */
export interface ReplicaDirs {
  written: string;
  real: string;
}

/** The distinct names (sorted) of the `others` whose directory overlaps `mine`, as written or once resolved. */
export function overlappingProjects(mine: ReplicaDirs, others: (ReplicaDirs & { project: string })[]): string[] {
  const hit = others.filter((o) => fileReplicasOverlap(mine.written, o.written) || fileReplicasOverlap(mine.real, o.real));
  return [...new Set(hit.map((o) => o.project))].sort();
}

/** The refusal for a drill or a restore of `shownUrl` (already redacted): admin-facing, so it names the other projects. */
export function sharedFileReplicaWords(shownUrl: string, projects: string[]): string {
  const named = projects.map((p) => JSON.stringify(p)).join(", ");
  return `file replica ${shownUrl} is also reported by another project (${named}): drills and restores refuse it until only one project reports it`;
}
