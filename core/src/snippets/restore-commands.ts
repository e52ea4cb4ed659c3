// The restore commands shown for a database (API, dashboard, emails, webhooks,
// chat). Everything in them may come from an agent's heartbeat, so every word
// goes through shellQuote: pasting them into a shell runs exactly the restore.
import { shellCommand } from "./shell.ts";

export interface RestoreCommands {
  /** `litestream restore -o /tmp/<name>-restored.sqlite3 <replica URL>`; null when no replica is known. */
  litestream: string | null;
  /** `npx borela restore <project> --database <name> -o /tmp/<name>-restored.sqlite3`. */
  borela: string;
}

/** Restore commands for one database: project name, database name and replica URL as stored (any text). */
export function restoreCommands(projectName: string, database: { name: string }, replicaUrl: string | null): RestoreCommands {
  const out = `/tmp/${database.name}-restored.sqlite3`;
  return {
    litestream: replicaUrl ? shellCommand(["litestream", "restore", "-o", out, replicaUrl]) : null,
    borela: shellCommand(["npx", "borela", "restore", projectName, "--database", database.name, "-o", out]),
  };
}
