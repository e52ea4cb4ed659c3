// How the core words a duration, one wording for reasons, the API, alerts and the digest.

/** Seconds (rounded, never negative) as "42s", "5 min 2s", "3 h", "9 days". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60}s` : `${s / 60} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

/**
 * A measured time (a restore's RTO, in seconds) as the dashboard words it: "34 ms" under a second,
 * "1.2s" under ten, then formatDuration ("42s", "5 min 2s"). Never "0.0s" for a fast restore.
 */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 10) return `${s.toFixed(1)}s`;
  return formatDuration(s);
}

