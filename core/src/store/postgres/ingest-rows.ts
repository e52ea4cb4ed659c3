// What a batch of heartbeats writes on PostgreSQL, decided without I/O (postgres/heartbeat-ingest.ts
// runs it): rounds that name each project once (a multi-row upsert may not touch one row twice), and
// each statement's rows, with the same values store/heartbeat-ingest.ts writes on SQLite.
import type { ReplicaPlaces } from "../fast-path-types.ts";
import type { HeartbeatPayload } from "../../protocol.ts";
import { newId } from "../ids.ts";
import { nextHighMark, reportedTxid, type HighMark } from "../replica-high-mark.ts";
import { pgTime } from "./pool.ts";

export interface IngestItem {
  projectId: string;
  hb: HeartbeatPayload;
  receivedAt: Date;
  places?: ReplicaPlaces;
}

/**
 * The claim rows (PG_INGEST_SQL.insertClaims: id, projectId, path, dir, firstAt) of the file replicas the heartbeats
 * report, each place once, in the order every core locks them in (project, path, directory).
 */
export function claimRows(items: IngestItem[]): unknown[][] {
  const rows = new Map<string, unknown[]>();
  for (const item of items) {
    for (const p of item.places?.values() ?? []) {
      const key = `${item.projectId}\u0000${p.path}\u0000${p.dir}`;
      if (!rows.has(key)) rows.set(key, [newId(item.receivedAt.getTime()), item.projectId, p.path, p.dir, pgTime(item.receivedAt)]);
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

type ReportedDatabase = HeartbeatPayload["databases"][number];
type ReportedReplica = ReportedDatabase["replicas"][number];

/**
 * The batch split, in arrival order, into rounds in which no project appears twice, each round ordered
 * by project id: every core then locks a round's rows in the same order (no deadlock between cores). Pure.
 */
export function rounds<T extends { projectId: string }>(batch: T[]): T[][] {
  const out: T[][] = [];
  const lastRound = new Map<string, number>();
  for (const item of batch) {
    // A project's next heartbeat goes to the round after its previous one, keeping their order.
    const i = (lastRound.get(item.projectId) ?? -1) + 1;
    (out[i] ??= []).push(item);
    lastRound.set(item.projectId, i);
  }
  for (const round of out) round.sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  return out;
}

/** When the heartbeat was measured: its sentAt, but never after we received it (an agent clock ahead of ours). */
export function measuredAt(item: IngestItem): Date {
  return new Date(Math.min(Date.parse(item.hb.sentAt), item.receivedAt.getTime()));
}

/** The heartbeat's databases, one per name: a name reported twice keeps its last entry (and an earlier entry's table counts when the last has none). */
export function databasesOf(hb: HeartbeatPayload): ReportedDatabase[] {
  const byName = new Map<string, ReportedDatabase>();
  for (const d of hb.databases) {
    const prev = byName.get(d.name);
    byName.set(d.name, d.tableCounts || !prev?.tableCounts ? d : { ...d, tableCounts: prev.tableCounts, tableCountsAt: prev.tableCountsAt });
  }
  return [...byName.values()];
}

/** The project's database count after the heartbeat when it exceeds `limit`; null within it. */
export function overLimit(stored: Iterable<string>, hb: HeartbeatPayload, limit: number): number | null {
  const names = new Set(stored);
  for (const d of hb.databases) names.add(d.name);
  return names.size > limit ? names.size : null;
}

/** The Heartbeat row's values, in PG_INGEST_SQL.insertHeartbeats' column order. */
export function heartbeatRow(item: IngestItem): unknown[] {
  const storageBytes = item.hb.databases.reduce((sum, d) => sum + d.replicas.reduce((s, r) => s + (r.storageBytes ?? 0), 0), 0);
  return [newId(item.receivedAt.getTime()), item.projectId, pgTime(item.receivedAt), pgTime(measuredAt(item)), item.hb.agentId ?? null, item.hb.sequence ?? null, storageBytes, JSON.stringify(item.hb)];
}

/** One Database row's values, in PG_INGEST_SQL.upsertDatabases' column order. */
export function databaseRow(item: IngestItem, d: ReportedDatabase): unknown[] {
  const measured = measuredAt(item);
  return [
    newId(item.receivedAt.getTime()),
    item.projectId,
    d.name,
    d.path,
    d.sizeBytes ?? 0,
    d.walBytes ?? 0,
    d.position ? JSON.stringify(d.position) : null,
    pgTime(measured),
    d.exists,
    JSON.stringify([...d.errors, ...item.hb.errors]),
    JSON.stringify(d.notes ?? []),
    d.tableCounts ? JSON.stringify(d.tableCounts) : null,
    d.tableCounts ? pgTime(d.tableCountsAt ? new Date(d.tableCountsAt) : measured) : null,
    // An agent that writes markers opts the database into the drill's round-trip proof.
    Boolean(d.marker),
  ];
}

/** A stored replica as the ingest reads it (PG_INGEST_SQL.projectReplicas). */
export interface StoredReplica {
  id: string;
  databaseId: string;
  url: string;
  highTxid: string | number | null;
  highTxidAt: Date | null;
}

/**
 * The rows for one database's reported replicas (a URL reported twice: its last entry), each with its
 * TXID high mark (replica-high-mark.ts) from the stored row, and the ids of stored replicas it no longer reports.
 */
export function replicaRows(item: IngestItem, databaseId: string, d: ReportedDatabase, stored: StoredReplica[]): { rows: unknown[][]; gone: string[] } {
  const at = pgTime(measuredAt(item));
  const byUrl = new Map(stored.map((s) => [s.url, s]));
  const reported = new Map<string, ReportedReplica>();
  for (const r of d.replicas) reported.set(r.url, r);
  const time = (t: string | null | undefined) => (t ? pgTime(new Date(t)) : null);
  const rows = [...reported.values()].map((r) => {
    const old = byUrl.get(r.url);
    const oldMark: HighMark | null = old && old.highTxid !== null && old.highTxidAt ? { txid: Number(old.highTxid), at: pgTime(old.highTxidAt) } : null;
    const mark = nextHighMark(oldMark, reportedTxid(r.position), reportedTxid(d.position), at);
    return [
      newId(item.receivedAt.getTime()),
      databaseId,
      r.type,
      r.url,
      r.generation ?? null,
      r.position ? JSON.stringify(r.position) : null,
      time(r.pendingSince),
      time(r.lastSnapshotAt),
      time(r.lastWalAt),
      r.storageBytes ?? 0,
      r.lastError ?? null,
      mark?.txid ?? null,
      mark?.at ?? null,
      at,
    ];
  });
  return { rows, gone: stored.filter((s) => !reported.has(s.url)).map((s) => s.id) };
}

/** Rows (arrays of values) turned into one array per column, the parameters of an unnest(...) statement. */
export function columns(rows: unknown[][], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) row.forEach((v, i) => out[i].push(v));
  return out;
}
