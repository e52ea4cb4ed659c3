// How a pause is worded in a project's status reasons: "paused until 14:00 UTC: migrating".

/**
 * "paused until 14:00 UTC" (the same UTC day as `now`) or "paused until 2026-12-01 14:00 UTC", then ": <reason>"
 * when one was given. The reason is the operator's own text, shown as given (the dashboard renders it as text).
 */
export function pausedWords(until: Date, reason: string | null, now: Date): string {
  const iso = until.toISOString();
  const time = iso.slice(11, 16);
  const sameDay = iso.slice(0, 10) === now.toISOString().slice(0, 10);
  const when = sameDay ? `${time} UTC` : `${iso.slice(0, 10)} ${time} UTC`;
  return `paused until ${when}${reason ? `: ${reason}` : ""}`;
}
