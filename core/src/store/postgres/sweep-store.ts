// The freshness sweep's store on PostgreSQL (sweep-store.ts AsyncSweepStore) over a pg pool shared
// with the hot path's other parts (postgres/fast-path.ts). A batch holds one pooled connection for
// one transaction: lock the projects (in id order), read them all in one query, decide each, write
// each kind of row in one statement, commit; pipelined, two round trips when no incident changes.
//
//   postgresSweepStore(pool): AsyncSweepStore
//     pool: openPool's (postgres/pool.ts), on a database the PostgreSQL migrations built
import type pg from "pg";
import type { AsyncSightMark, AsyncSweepStore, SweepDecision } from "../sweep-store.ts";
import type { SweepInput } from "../sweep-reads.ts";
import { PostgresSweepReads } from "./sweep-reads.ts";
import { PostgresSweepWrites } from "./sweep-writes.ts";
import { PostgresIncidentSweepWrites, applyIncidents } from "../../incidents/sweep-sql-postgres.ts";
import { PostgresSweepMark } from "./sweep-mark.ts";
import { inPipelinedTransaction } from "./sweep-transaction.ts";
import { corked } from "./pool.ts";
import { PG_SWEEP_READ_SQL } from "./sweep-sql.ts";
import { SIGHT_KEY } from "../sweep-mark.ts";
import { sightOfText, sightText } from "../sight-text.ts";

const postgresSight = (row: PostgresSweepMark): AsyncSightMark => ({
  record: (s) => row.recordText(sightText(s)),
  latest: async () => sightOfText(await row.latestText()),
});

export function postgresSweepStore(pool: pg.Pool): AsyncSweepStore {
  const reads = new PostgresSweepReads(pool);
  return {
    reads,
    writes: new PostgresSweepWrites(pool),
    incidents: new PostgresIncidentSweepWrites(pool),
    mark: new PostgresSweepMark(pool),
    sight: postgresSight(new PostgresSweepMark(pool, SIGHT_KEY)),
    batch<R>(projectIds: string[], now: Date, decide: (input: SweepInput) => SweepDecision<R>): Promise<Map<string, R>> {
      const ids = [...new Set(projectIds)];
      if (ids.length === 0) return Promise.resolve(new Map());
      return inPipelinedTransaction(pool, async (client) => {
        // Pipelined (pool.ts): the read runs after the locks are held, in the same round trip.
        const [, inputs] = await Promise.all(corked(client, () => [client.query(PG_SWEEP_READ_SQL.lock, [ids]), reads.readMany(client, ids)] as const));
        const results = new Map<string, R>();
        const decided: { id: string; decision: SweepDecision<R> }[] = [];
        for (const id of ids) {
          const input = inputs.get(id);
          if (!input) continue;
          const decision = decide(input);
          decided.push({ id, decision });
          results.set(id, decision.result);
        }
        const writes = new PostgresSweepWrites(client);
        await applyIncidents(client, decided.map(({ id, decision }) => ({ projectId: id, actions: decision.plan.incidents })), now);
        // Sent with COMMIT, in this order, in one write and one round trip.
        const last = () => [
          writes.projectStatuses(decided.flatMap(({ id, decision: { plan } }) => (plan.project ? [{ id, ...plan.project, now }] : []))),
          writes.databaseStatuses(decided.flatMap(({ decision }) => decision.plan.databases)),
          // Last: the incident writes above clear these projects' deadlines (triggers).
          writes.deadlines(decided.map(({ id, decision }) => ({ id, at: decision.plan.deadline }))),
        ];
        return { value: results, last };
      });
    },
  };
}
