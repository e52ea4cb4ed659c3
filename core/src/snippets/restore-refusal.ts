// Whether `borela restore` would refuse a database's latest backup, judged from its last finished
// drill: the restore runs the drill's pre-checks (drills/restore-database.ts) and refuses a backup
// they find damaged unless --force, and refuses outright when there is no backup. The restore
// commands offered (API, dashboard, emails) say so instead of offering a command that fails.
// A damaged LTX file's content (Litestream 0.5) is refused even with --force, since Litestream fails on
// it too (litestream/ltx-damage.ts): no --force then, the note says what to do instead; nor after
// the newest LTX files went missing, which a restore does not refuse (it brings back what is left).
// --force is offered only for what it gets past: damage the pre-checks find ("backup is damaged: …") that
// Litestream itself does not fail on. A drill that could not read the replica (outside
// BORELA_FILE_REPLICA_ROOTS) is refused by borela restore too, --force or not; a
// drill that restored but failed its checks afterwards (integrity, counts) is not refused at all.
// Notes are fixed text: nothing a heartbeat or a report carries goes after the shell's `#`.
import { litestreamFailsOnDamage, NEWEST_LTX_MISSING } from "../litestream/ltx-damage.ts";

/** A database's last finished drill: `status` passed | failed | error; `error` the report's reason. */
export interface LastDrill {
  status: string;
  error: string | null;
}

export const FORCE_NOTE =
  "# the last drill failed: borela restore refuses a backup its checks find damaged, --force restores it anyway (the copy may lack the damaged part's rows)";
export const NO_BACKUP_NOTE = "# the last drill found no backup: borela restore refuses until Litestream has uploaded one";
export const LTX_NEWEST_MISSING_NOTE =
  "# the last drill found the newest LTX files missing from storage: borela restore brings back only what is still stored";
export const UNREADABLE_NOTE =
  "# the core may not read this replica (outside BORELA_FILE_REPLICA_ROOTS): borela restore refuses it too, --force or not; run litestream restore where the replica is";
export const LTX_DAMAGE_NOTE =
  "# the last drill found a damaged LTX file: litestream restore fails on it too, so --force cannot help; borela restore names a --timestamp before the damaged file";

/** How the drill's pre-checks name damage a restore refuses (drills/restore-check.ts, drills/ltx-check.ts). */
const DAMAGE = "backup is damaged: ";
/** How a drill names a file replica the core may not read (drills/file-roots.ts). */
const UNREADABLE = /\bBORELA_FILE_REPLICA_ROOTS\b/;

/**
 * What to add to the borela restore command: `force` (append --force) and a one-line shell comment;
 * null when the last drill passed, could not run (`error`: the core's trouble, not the backup's), none ran,
 * or it failed in a way borela restore does not refuse (checks on the restored copy).
 */
export function restoreRefusal(lastDrill: LastDrill | null): { force: boolean; note: string } | null {
  if (lastDrill?.status !== "failed") return null;
  if (lastDrill.error?.startsWith("no backup found")) return { force: false, note: NO_BACKUP_NOTE };
  if (lastDrill.error && litestreamFailsOnDamage(lastDrill.error)) return { force: false, note: LTX_DAMAGE_NOTE };
  if (lastDrill.error?.includes(NEWEST_LTX_MISSING)) return { force: false, note: LTX_NEWEST_MISSING_NOTE };
  if (lastDrill.error?.includes(DAMAGE)) return { force: true, note: FORCE_NOTE };
  if (lastDrill.error && UNREADABLE.test(lastDrill.error)) return { force: false, note: UNREADABLE_NOTE };
  return null;
}
