// What the project list's order reads of every project, on PostgreSQL: the same facts as
// store/order-reads.ts, and a stamp that changes whenever any of them may have (sql.ts PG_ORDER_SQL).
import type pg from "pg";
import type { OrderFacts } from "../order-reads.ts";
import type { OrderReadsPart } from "../fast-path-types.ts";
import { PG_ORDER_SQL } from "./sql.ts";

export class PostgresOrderReads implements OrderReadsPart {
  constructor(private readonly pool: pg.Pool) {}

  /** Text to compare with an earlier stamp: equal means the facts below are unchanged. */
  async stamp(): Promise<string> {
    const { rows } = await this.pool.query<{ stamp: string | null }>(PG_ORDER_SQL.stamp);
    return rows[0]?.stamp ?? "";
  }

  /** The three reads, concurrently on the pool's connections. */
  async facts(): Promise<OrderFacts> {
    const [projects, lastDrills, openDrillIncidents] = await Promise.all([
      this.pool.query<OrderFacts["projects"][number]>(PG_ORDER_SQL.projects),
      this.pool.query<OrderFacts["lastDrills"][number]>(PG_ORDER_SQL.lastDrills),
      this.pool.query<OrderFacts["openDrillIncidents"][number]>(PG_ORDER_SQL.openDrillIncidents),
    ]);
    return { projects: projects.rows, lastDrills: lastDrills.rows, openDrillIncidents: openDrillIncidents.rows };
  }
}
