// What a heartbeat's database names mean against the names the project already
// has: the count it would bring the project to (the database limit) and whether
// it leaves a stored database out (that one's missedHeartbeats then rises).
// Decided here so that the ingest writes the miss only when there is one.

/** `wouldHave`: stored and reported names together, counted once; `leavesOut`: a stored name the report lacks. */
export interface ReportedDatabases {
  wouldHave: number;
  leavesOut: boolean;
}

/** `stored`: the project's database names in the store; `reported`: the heartbeat's (a name twice counts once). */
export function reportedDatabases(stored: readonly string[], reported: readonly string[]): ReportedDatabases {
  const reportedSet = new Set(reported);
  let leavesOut = false;
  let kept = 0;
  for (const name of stored) {
    if (reportedSet.has(name)) kept++;
    else leavesOut = true;
  }
  return { wouldHave: stored.length + reportedSet.size - kept, leavesOut };
}
