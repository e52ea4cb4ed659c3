// A project whose agent reports no database. After the operator retired the last one
// (DELETE /api/v1/projects/:id/databases/:databaseId, store/retire.ts) that is their
// deliberate act: the project says plainly that nothing is watched (unknown, no
// incident), until the agent reports a database again. Without a retire it is the
// fault it always was: the agent reports no databases (error, with its incident).
// The agent's silence is judged before this and still alerts (status.ts).
import type { Verdict } from "./status.ts";

/** The last database retired from a project: its name and when; null when none was. */
export interface RetiredDatabase {
  name: string;
  at: Date;
}

/** The words when the agent reports no databases. */
export const NO_DATABASES = "the agent reports no databases";

/** The verdict of a project heard from whose agent reports no database, given the last database retired (or null). Pure. */
export function noDatabasesVerdict(retired: RetiredDatabase | null): Verdict {
  if (!retired) return { status: "error", reasons: [NO_DATABASES] };
  return { status: "unknown", reasons: [`no databases watched: ${retired.name} was retired at ${retired.at.toISOString()}; the agent reports none`] };
}
