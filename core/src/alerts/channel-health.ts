// "Will someone hear?" is not only "is a channel configured": a channel whose
// latest attempts all failed (SMTP down, a webhook receiver refusing) hears
// nothing either. Pure: the attempt logs come from Delivery.log (attempt.ts).

export interface AttemptEntry {
  /** ISO time of the attempt (Delivery.log's `at`). */
  at: string;
  ok: boolean;
  /** What the SMTP server or webhook said, or the connection error. */
  detail: string;
}

export interface FailingStreak {
  /** How many attempts in a row failed, counting back from the latest. */
  attempts: number;
  /** When the first of them was made. */
  since: Date;
  /** The latest failure's detail. */
  lastError: string;
}

/**
 * The failed attempts since a channel's last success, over the attempt logs of its latest deliveries
 * (any order, several deliveries mixed); null when the latest attempt succeeded or there was none.
 */
export function failingStreak(entries: AttemptEntry[]): FailingStreak | null {
  const sorted = [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let first = sorted.length;
  while (first > 0 && !sorted[first - 1]!.ok) first--;
  const failed = sorted.slice(first);
  if (failed.length === 0) return null;
  return { attempts: failed.length, since: new Date(failed[0]!.at), lastError: failed.at(-1)!.detail };
}

/** "the last 4 attempts failed since 14:02: connect ECONNREFUSED 127.0.0.1:2614" (UTC clock time). */
export function streakWords(s: FailingStreak): string {
  const time = s.since.toISOString().slice(11, 16);
  const head = s.attempts === 1 ? `the last attempt failed at ${time}` : `the last ${s.attempts} attempts failed since ${time}`;
  return `${head}: ${s.lastError}`;
}
