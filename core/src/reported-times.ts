// Times an agent reports are its clock's word, not ours: a pendingSince a year
// ahead would read "replication in progress" for a year, a clock running ahead
// would delay stale alerts by its skew, and a lastSnapshotAt in 2027 would be
// shown as the last backup. At ingest, a heartbeat whose sentAt is ahead of the
// core's receive time has all its times moved back by that much (its clock's
// skew, at least), and then any time still ahead becomes the receive time.
// A heartbeat sent by a clock at or behind ours keeps its times exactly as sent.
//
//   capReportedTimes(hb: HeartbeatPayload, receivedAt: Date): HeartbeatPayload   pure
//   capTime(at, receivedAt, skewMs = 0): string | null | undefined               pure
import type { HeartbeatPayload } from "./protocol.ts";

/**
 * `at` (an RFC 3339 date-time, as the schema checked it) moved back by `skewMs` milliseconds and capped at
 * `receivedAt`, as ISO 8601 UTC; returned unchanged (same text) when `skewMs` is 0 and it is not ahead of
 * `receivedAt`. Null and undefined pass through.
 */
export function capTime<T extends string | null | undefined>(at: T, receivedAt: Date, skewMs = 0): T | string {
  if (at === null || at === undefined) return at;
  const t = Date.parse(at) - skewMs;
  if (skewMs === 0 && t <= receivedAt.getTime()) return at;
  return new Date(Math.min(t, receivedAt.getTime())).toISOString();
}

/**
 * A copy of `hb` with every time it reports corrected (capTime, skew = how far sentAt is ahead of
 * `receivedAt`, else 0): sentAt; per database changedAt, tableCountsAt, marker.at; per replica
 * pendingSince, lastSnapshotAt, lastWalAt. A heartbeat whose times are all in the core's past comes back
 * equal to the one given (the same object).
 */
export function capReportedTimes(hb: HeartbeatPayload, receivedAt: Date): HeartbeatPayload {
  const skewMs = Math.max(0, Date.parse(hb.sentAt) - receivedAt.getTime());
  // The usual heartbeat: nothing ahead, nothing to copy.
  if (skewMs === 0 && !anyAhead(hb, receivedAt.getTime())) return hb;
  const cap = <T extends string | null | undefined>(at: T) => capTime(at, receivedAt, skewMs) as T;
  return {
    ...hb,
    sentAt: cap(hb.sentAt),
    databases: hb.databases.map((d) => ({
      ...d,
      ...(d.changedAt !== undefined ? { changedAt: cap(d.changedAt) } : {}),
      ...(d.tableCountsAt !== undefined ? { tableCountsAt: cap(d.tableCountsAt) } : {}),
      ...(d.marker ? { marker: { ...d.marker, at: cap(d.marker.at) } } : {}),
      replicas: d.replicas.map((r) => ({
        ...r,
        ...(r.pendingSince !== undefined ? { pendingSince: cap(r.pendingSince) } : {}),
        ...(r.lastSnapshotAt !== undefined ? { lastSnapshotAt: cap(r.lastSnapshotAt) } : {}),
        ...(r.lastWalAt !== undefined ? { lastWalAt: cap(r.lastWalAt) } : {}),
      })),
    })),
  };
}

/** Whether any time capReportedTimes corrects lies after `limitMs` (ms since the epoch). */
function anyAhead(hb: HeartbeatPayload, limitMs: number): boolean {
  for (const d of hb.databases) {
    if (ahead(d.changedAt, limitMs) || ahead(d.tableCountsAt, limitMs) || (d.marker && ahead(d.marker.at, limitMs))) return true;
    for (const r of d.replicas) if (ahead(r.pendingSince, limitMs) || ahead(r.lastSnapshotAt, limitMs) || ahead(r.lastWalAt, limitMs)) return true;
  }
  return false;
}

// At module level, not a closure per call: the TypeScript loader's keepNames names each closure it creates (a defineProperty, about 1 µs).
function ahead(at: string | null | undefined, limitMs: number): boolean {
  return at !== null && at !== undefined && Date.parse(at) > limitMs;
}
