// What the project list's order reads of every project, on PostgreSQL: the same facts as
// store/order-reads.ts, and a stamp that changes whenever any of them may have (sql.ts PG_ORDER_SQL).
// The facts are kept by bucket of project ids (PG_ORDER_BUCKET_SQL): a read after a change fetches only the
// buckets whose fingerprint moved. At 100,000 projects every drill that finished made each core parse
// 100,000 rows again; now it parses the ~400 of one bucket, and the rows of the others stay as they were.
import type pg from "pg";
import type { OrderFacts } from "../order-reads.ts";
import type { OrderReadsPart } from "../fast-path-types.ts";
import { corked } from "./pool.ts";
import { ORDER_BUCKETS, PG_ORDER_BUCKET_SQL, PG_ORDER_SQL } from "./sql.ts";

type Bucketed<R> = R & { bucket: number };

/** One bucket's facts, as of the fingerprint `stamp` read in the same snapshot. */
interface HeldBucket {
  stamp: string;
  projects: OrderFacts["projects"];
  lastDrills: OrderFacts["lastDrills"];
  openDrillIncidents: OrderFacts["openDrillIncidents"];
}

const EMPTY: HeldBucket = { stamp: "", projects: [], lastDrills: [], openDrillIncidents: [] };

/** Buckets whose fingerprint in `now` (absent: empty) differs from the one held; ascending. */
function movedBuckets(held: ReadonlyMap<number, { stamp: string }>, now: ReadonlyMap<number, string>): number[] {
  const moved: number[] = [];
  for (let b = 0; b < ORDER_BUCKETS; b++) if ((now.get(b) ?? "") !== (held.get(b)?.stamp ?? "")) moved.push(b);
  return moved;
}

/** The rows by bucket, each without its bucket column (the facts' rows are the same shape on both stores). */
function byBucket<R>(rows: Bucketed<R>[]): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const { bucket, ...row } of rows) {
    const list = out.get(bucket);
    if (list) list.push(row as R);
    else out.set(bucket, [row as R]);
  }
  return out;
}

export class PostgresOrderReads implements OrderReadsPart {
  private held = new Map<number, HeldBucket>();
  // One refresh at a time: each compares with what the one before it left.
  private refreshing: Promise<unknown> = Promise.resolve();
  /** Buckets fetched by the refreshes so far (for tests and the bench). */
  bucketsRead = 0;

  constructor(private readonly pool: pg.Pool) {}

  /** Text to compare with an earlier stamp: equal means the facts below are unchanged. */
  async stamp(): Promise<string> {
    const { rows } = await this.pool.query<{ stamp: string | null }>(PG_ORDER_SQL.stamp);
    return rows[0]?.stamp ?? "";
  }

  /** Every project's facts: the buckets whose fingerprint moved are read again, in one snapshot with the fingerprints. */
  facts(): Promise<OrderFacts> {
    const next = this.refreshing.then(() => this.refresh());
    this.refreshing = next.catch(() => undefined);
    return next;
  }

  private async refresh(): Promise<OrderFacts> {
    const client = await this.pool.connect();
    let fetched: Map<number, HeldBucket>;
    try {
      // REPEATABLE READ: each bucket's rows are exactly those its fingerprint was computed from.
      const [, stamps] = await Promise.all(
        corked(client, () => [client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), client.query<{ bucket: number; stamp: string }>(PG_ORDER_BUCKET_SQL.stamps)] as const),
      );
      const now = new Map(stamps.rows.map((r) => [r.bucket, r.stamp]));
      const moved = movedBuckets(this.held, now);
      fetched = new Map(moved.map((b) => [b, { ...EMPTY, stamp: now.get(b) ?? "" }]));
      if (moved.length > 0) {
        const [projects, lastDrills, incidents] = await Promise.all(
          corked(client, () => [
            client.query<Bucketed<OrderFacts["projects"][number]>>(PG_ORDER_BUCKET_SQL.projects, [moved]),
            client.query<Bucketed<OrderFacts["lastDrills"][number]>>(PG_ORDER_BUCKET_SQL.lastDrills, [moved]),
            client.query<Bucketed<OrderFacts["openDrillIncidents"][number]>>(PG_ORDER_BUCKET_SQL.openDrillIncidents, [moved]),
          ] as const),
        );
        const p = byBucket(projects.rows);
        const l = byBucket(lastDrills.rows);
        const i = byBucket(incidents.rows);
        for (const [b, bucket] of fetched) {
          bucket.projects = p.get(b) ?? [];
          bucket.lastDrills = l.get(b) ?? [];
          bucket.openDrillIncidents = i.get(b) ?? [];
        }
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    for (const [b, bucket] of fetched) {
      if (bucket.stamp === "") this.held.delete(b);
      else this.held.set(b, bucket);
    }
    this.bucketsRead += fetched.size;
    return this.joined();
  }

  private joined(): OrderFacts {
    const out: OrderFacts = { projects: [], lastDrills: [], openDrillIncidents: [] };
    for (const bucket of this.held.values()) {
      for (const r of bucket.projects) out.projects.push(r);
      for (const r of bucket.lastDrills) out.lastDrills.push(r);
      for (const r of bucket.openDrillIncidents) out.openDrillIncidents.push(r);
    }
    return out;
  }
}
