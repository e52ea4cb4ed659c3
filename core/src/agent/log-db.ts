// Litestream 0.5 names a database in its log by its file name (`db=app.sqlite3`),
// 0.3 by its path (`db=/data/app.sqlite3`); errors are kept by path.
//
//   withDatabasePath(finding: LogFinding | null, paths: string[]): LogFinding | null   pure
//     a finding whose db is a bare file name gets the one watched path with that name;
//     unchanged when db is already a path, or when no or several watched paths have that name.
import path from "node:path";
import type { LogFinding } from "./log-lines.ts";

export function withDatabasePath(finding: LogFinding | null, paths: string[]): LogFinding | null {
  if (!finding || !finding.db || path.isAbsolute(finding.db)) return finding;
  const matches = paths.filter((p) => path.basename(p) === finding.db);
  return matches.length === 1 ? { ...finding, db: matches[0] } : finding;
}
