// The one-time upgrade of alert channel rows written before targets were
// sealed (alerts/channels/sealed-target.ts): each plaintext target of a
// secret-bearing type is encrypted in place. Idempotent: a sealed row is left
// alone, and each update only applies while the row still holds the plaintext
// it read, so two cores starting together cannot seal a target twice. Then
// the file is rewritten once so freed pages keep no plaintext; older backups
// of the core's database still hold it (docs/security.md).
import type { Store } from "./db.ts";
import { dialectOf } from "./dialect.ts";
import { countUndecryptable, isSealedTarget, sealsTarget, sealTarget } from "../alerts/channels/sealed-target.ts";

/** Seals every plaintext target of a type that seals; resolves with how many rows it changed. */
export async function sealChannelTargets(store: Store, key: Buffer): Promise<number> {
  const rows = await store.alertChannel.findMany({ select: { id: true, type: true, target: true } });
  const plain = rows.filter((r) => sealsTarget(r.type) && !isSealedTarget(r.target));
  let sealed = 0;
  for (const row of plain) {
    const { count } = await store.alertChannel.updateMany({ where: { id: row.id, target: row.target }, data: { target: sealTarget(key, row.type, row.target) } });
    sealed += count;
  }
  return sealed;
}

/**
 * Rewrites the stored rows after sealChannelTargets changed some: SQLite keeps the bytes of replaced rows and
 * freed pages in the file (VACUUM rewrites the file), PostgreSQL keeps dead row versions in the table's pages
 * (VACUUM FULL "AlertChannel" writes the table anew and drops its old files; its WAL and base backups still
 * hold them, like older SQLite backups). Takes as long as copying the file (table) once; rejects when another
 * process holds the database past busy_timeout (SQLite) or the table (PostgreSQL's ACCESS EXCLUSIVE lock waits).
 */
export async function compactAfterSealing(store: Store): Promise<void> {
  await store.$executeRawUnsafe(dialectOf(store) === "sqlite" ? "VACUUM" : `VACUUM FULL "AlertChannel"`);
}

/** How many stored channel targets and secrets this key cannot decrypt (a changed BORELA_SECRET_KEY or key file); for one warning at start. */
export async function countUndecryptableChannelSecrets(store: Store, key: Buffer): Promise<number> {
  return countUndecryptable(key, await store.alertChannel.findMany({ select: { target: true, secretEnc: true } }));
}
