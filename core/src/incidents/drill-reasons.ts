// The words of a drill_failed incident's reason, written by drills/outcome.ts and read back by alerts/ (which
// may not import drills/): a drill that failed, or one that could not run (no verdict on the backup).
//
//   drillReason(outcome, database, cause): string    "drill of <database> failed: <cause>" or "… could not run: <cause>"
//   couldNotRun(reason): boolean                      whether a reason is a drill's that could not run
//   drillCause(reason): string                        the cause after either prefix (the reason itself otherwise)

const PREFIX = /^drill of .+? (failed|could not run): /;

export function drillReason(outcome: "failed" | "error", database: string, cause: string): string {
  return `drill of ${database} ${outcome === "failed" ? "failed" : "could not run"}: ${cause}`;
}

export function couldNotRun(reason: string): boolean {
  return PREFIX.exec(reason)?.[1] === "could not run";
}

export function drillCause(reason: string): string {
  return reason.replace(PREFIX, "");
}
