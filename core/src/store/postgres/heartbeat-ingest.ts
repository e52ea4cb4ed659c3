// Heartbeat ingest on PostgreSQL: the same rows and rules as store/heartbeat-ingest.ts on SQLite
// (only a report measured after the stored one replaces it, missed-database counts, replica TXID
// high marks, the database-per-project limit), for a batch of heartbeats in one transaction
// (batch-commit.ts) with one statement per kind and round (ingest-rows.ts rounds), pipelined into three
// round trips a round (pool.ts), each heartbeat acknowledged only after its transaction committed.
import type pg from "pg";
import type { HeartbeatPayload } from "../../protocol.ts";
import { DatabaseLimitError, type HeartbeatIngestOptions, type Ingested } from "../heartbeat-ingest.ts";
import type { HeartbeatIngestPart, ReplicaPlaces } from "../fast-path-types.ts";
import { batchCommit } from "./batch-commit.ts";
import { claimRows, columns, databaseRow, databasesOf, heartbeatRow, measuredAt, overLimit, replicaRows, rounds, type IngestItem, type StoredReplica } from "./ingest-rows.ts";
import { corked, pgTime, retryable } from "./pool.ts";
import { PG_INGEST_SQL as SQL } from "./sql.ts";

/** Transactions retried after a deadlock or serialization failure (another core writing the same rows). */
const RETRIES = 5;

export class PostgresHeartbeatIngest implements HeartbeatIngestPart {
  private readonly commit: (item: IngestItem) => Promise<Ingested>;
  /** Transactions committed (for tests and the bench). */
  commits = 0;

  constructor(private readonly pool: pg.Pool, private readonly options: HeartbeatIngestOptions) {
    this.commit = batchCommit((batch) => this.transaction(batch));
  }

  /**
   * Writes a heartbeat (already checked by schema and reported-values.ts); resolves once committed.
   * Rejects with DatabaseLimitError when it names too many databases (nothing of it written).
   */
  ingest(projectId: string, hb: HeartbeatPayload, receivedAt: Date, places?: ReplicaPlaces): Promise<Ingested> {
    return this.commit({ projectId, hb, receivedAt, places });
  }

  private async transaction(batch: IngestItem[]): Promise<(Ingested | Error)[]> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        const out: (Ingested | Error)[] = [];
        const at = new Map(batch.map((item, i) => [item, i]));
        const all = rounds(batch);
        for (const [n, round] of all.entries()) {
          const results = await this.writeRound(client, round, n === 0, n === all.length - 1);
          round.forEach((item, i) => (out[at.get(item)!] = results[i]));
        }
        this.commits++;
        return out;
      } catch (err) {
        // Queued after every statement still in flight (pool.ts pipelines): the connection is idle once it answers.
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        if (retryable(err) && attempt < RETRIES) continue;
        throw err;
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * One round (each project once) in three round trips of pipelined statements (pool.ts): the heartbeats
   * with the stored database names (BEGIN before them in the first round), then the databases with their
   * stored replicas, then replicas, missed counts and the projects' last heartbeat (COMMIT after them in the last).
   */
  private async writeRound(client: pg.PoolClient, round: IngestItem[], first: boolean, last: boolean): Promise<(Ingested | Error)[]> {
    const heartbeats = round.map(heartbeatRow);
    const [, { rows: inserted }, { rows: names }] = await Promise.all(
      corked(client, () => [
        first ? client.query("BEGIN") : null,
        client.query<{ id: string }>(SQL.insertHeartbeats, columns(heartbeats, 8)),
        client.query<{ projectId: string; name: string }>(SQL.databaseNames, [round.map((i) => i.projectId)]),
      ]),
    );
    const insertedIds = new Set(inserted.map((r) => r.id));
    const fresh = round.filter((_, i) => insertedIds.has(heartbeats[i][0] as string));

    const stored = new Map<string, string[]>();
    for (const r of names) (stored.get(r.projectId) ?? stored.set(r.projectId, []).get(r.projectId)!).push(r.name);
    const refused = new Map<IngestItem, DatabaseLimitError>();
    for (const item of fresh) {
      const wouldHave = overLimit(stored.get(item.projectId) ?? [], item.hb, this.options.maxDatabasesPerProject);
      if (wouldHave !== null) refused.set(item, new DatabaseLimitError(this.options.maxDatabasesPerProject, wouldHave));
    }
    const accepted = fresh.filter((item) => !refused.has(item));
    const claims = claimRows(accepted);
    const [, { rows: claimed }] = await Promise.all(
      corked(client, () => [
        refused.size > 0 ? client.query(SQL.deleteHeartbeats, [round.flatMap((item, i) => (refused.has(item) ? [heartbeats[i][0]] : []))]) : null,
        claims.length > 0 ? client.query<{ projectId: string; made: boolean }>(SQL.upsertClaims, columns(claims, 5)) : { rows: [] as { projectId: string; made: boolean }[] },
        ...this.writeState(client, accepted, last),
      ]),
    );
    const written = new Set(fresh);
    const made = new Map<string, number>();
    for (const c of claimed) if (c.made) made.set(c.projectId, (made.get(c.projectId) ?? 0) + 1);
    return round.map((item) => refused.get(item) ?? { projectId: item.projectId, duplicate: !written.has(item), claimsMade: written.has(item) ? (made.get(item.projectId) ?? 0) : 0 });
  }

  /**
   * Databases, replicas, missed counts and the project's last heartbeat of accepted heartbeats, then COMMIT
   * when `commit`: queued on `client` (the first round trip's statements at once, for the caller's corked());
   * the promises to await.
   */
  private writeState(client: pg.PoolClient, items: IngestItem[], commit: boolean): Promise<unknown>[] {
    const reported = new Map(items.map((item) => [item.projectId, { item, databases: new Map(databasesOf(item.hb).map((d) => [d.name, d])) }]));
    const dbRows = [...reported.values()].flatMap(({ item, databases }) => [...databases.values()].map((d) => databaseRow(item, d))).sort(byKey(1, 2));
    // The project touch goes first: it clears sweepAt in the UPDATE that stores lastHeartbeatAt, so the Database
    // and Replica rows' sweep-deadline triggers find it cleared and the Project row is written once, not twice.
    const touched = items.length > 0 ? [client.query(SQL.touchProjects, [items.map((i) => i.projectId), items.map((i) => pgTime(i.receivedAt))])] : [];
    const tail = (): Promise<unknown>[] => {
      const out: Promise<unknown>[] = [];
      if (items.length > 0) {
        out.push(
          client.query(SQL.missDatabases, [
            items.map((i) => i.projectId),
            items.map((i) => pgTime(measuredAt(i))),
            items.map((i) => JSON.stringify(i.hb.databases.map((d) => d.name))),
          ]),
        );
      }
      if (commit) out.push(client.query("COMMIT"));
      return out;
    };
    if (dbRows.length === 0) return [...touched, ...tail()];
    // The stored replicas are read after the upsert locked their databases (a later statement of the pipeline).
    const upserted = Promise.all([
      client.query<{ id: string; projectId: string; name: string }>(SQL.upsertDatabases, columns(dbRows, 14)),
      client.query<StoredReplica>(SQL.projectReplicas, [[...reported.keys()]]),
    ]).then(([{ rows: written }, { rows: replicas }]) => {
      // Rows not returned: an older, queued heartbeat's report (history only).
      const byDatabase = new Map<string, StoredReplica[]>();
      for (const r of replicas) (byDatabase.get(r.databaseId) ?? byDatabase.set(r.databaseId, []).get(r.databaseId)!).push(r);
      const upserts: unknown[][] = [];
      const gone: string[] = [];
      for (const w of written) {
        const { item, databases } = reported.get(w.projectId)!;
        const out = replicaRows(item, w.id, databases.get(w.name)!, byDatabase.get(w.id) ?? []);
        upserts.push(...out.rows);
        gone.push(...out.gone);
      }
      return Promise.all(
        corked(client, () => [
          upserts.length > 0 ? client.query(SQL.upsertReplicas, columns(upserts.sort(byKey(1, 3)), 14)) : null,
          gone.length > 0 ? client.query(SQL.deleteReplicas, [gone]) : null,
          ...tail(),
        ]),
      );
    });
    return [...touched, upserted];
  }
}

/** Orders rows by two text columns: the order every core locks them in. */
function byKey(first: number, second: number): (a: unknown[], b: unknown[]) => number {
  const text = (row: unknown[]) => `${row[first] as string}\u0000${row[second] as string}`;
  return (a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
}
