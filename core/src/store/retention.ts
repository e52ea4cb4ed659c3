import type { Store } from "./db.ts";

/** Deletes heartbeat history older than the retention; the latest state lives on the Database rows. */
export async function pruneHeartbeats(store: Store, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const { count } = await store.heartbeat.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  return count;
}
