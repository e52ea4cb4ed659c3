// Whether `borela restore` would refuse a database's latest backup, judged from its last finished
// drill: the restore runs the drill's pre-checks (drills/restore-database.ts) and refuses a backup
// they find damaged unless --force, and refuses outright when there is no backup. The restore
// commands offered (API, dashboard, emails) say so instead of offering a command that fails.
// Notes are fixed text: nothing a heartbeat or a report carries goes after the shell's `#`.

/** A database's last finished drill: `status` passed | failed | error; `error` the report's reason. */
export interface LastDrill {
  status: string;
  error: string | null;
}

export const FORCE_NOTE =
  "# the last drill failed: borela restore refuses a backup its checks find damaged, --force restores it anyway (the copy may lack the damaged part's rows)";
export const NO_BACKUP_NOTE = "# the last drill found no backup: borela restore refuses until Litestream has uploaded one";

/**
 * What to add to the borela restore command: `force` (append --force) and a one-line shell comment;
 * null when the last drill passed, could not run (`error`: the core's trouble, not the backup's) or none ran.
 */
export function restoreRefusal(lastDrill: LastDrill | null): { force: boolean; note: string } | null {
  if (lastDrill?.status !== "failed") return null;
  if (lastDrill.error?.startsWith("no backup found")) return { force: false, note: NO_BACKUP_NOTE };
  return { force: true, note: FORCE_NOTE };
}
