// Whether `borela restore` would refuse a database's latest backup, judged from its last finished
// drill: the restore runs the drill's pre-checks (drills/restore-database.ts) and refuses a backup
// they find damaged unless --force, and refuses outright when there is no backup. The restore
// commands offered (API, dashboard, emails) say so instead of offering a command that fails.
// A damaged LTX file's content (Litestream 0.5) is refused even with --force, since Litestream fails on
// it too (litestream/ltx-damage.ts): no --force then, the note says what to do instead; nor after
// the newest LTX files went missing, which a restore does not refuse (it brings back what is left).
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
export const LTX_DAMAGE_NOTE =
  "# the last drill found a damaged LTX file: litestream restore fails on it too, so --force cannot help; borela restore names a --timestamp before the damaged file";

/**
 * What to add to the borela restore command: `force` (append --force) and a one-line shell comment;
 * null when the last drill passed, could not run (`error`: the core's trouble, not the backup's) or none ran.
 */
export function restoreRefusal(lastDrill: LastDrill | null): { force: boolean; note: string } | null {
  if (lastDrill?.status !== "failed") return null;
  if (lastDrill.error?.startsWith("no backup found")) return { force: false, note: NO_BACKUP_NOTE };
  if (lastDrill.error && litestreamFailsOnDamage(lastDrill.error)) return { force: false, note: LTX_DAMAGE_NOTE };
  if (lastDrill.error?.includes(NEWEST_LTX_MISSING)) return { force: false, note: LTX_NEWEST_MISSING_NOTE };
  return { force: true, note: FORCE_NOTE };
}
