// Where a replica's reported position stands against its database's, both as
// the agent reported them (protocol.ts Position).
//
//   replicaReach(database, replica): "behind" | "even" | "ahead" | null   pure
import type { Position } from "../protocol.ts";

/**
 * Litestream 0.5 (generation null on both): by TXID (`txid`, else `offset`). 0.3: within one generation, by
 * WAL index then byte offset. Null when either position is missing or they are of different generations or
 * lines: nothing to compare.
 */
export function replicaReach(database: Position | null | undefined, replica: Position | null | undefined): "behind" | "even" | "ahead" | null {
  if (!database || !replica || database.generation !== replica.generation) return null;
  const diff =
    database.generation === null
      ? (replica.txid ?? replica.offset) - (database.txid ?? database.offset)
      : replica.index !== database.index
        ? replica.index - database.index
        : replica.offset - database.offset;
  return diff < 0 ? "behind" : diff > 0 ? "ahead" : "even";
}
