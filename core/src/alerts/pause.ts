// Pause and maintenance windows: while a project is paused its verdicts and
// incidents go on as usual, but nobody is told. When the window ends (its time
// passes, or DELETE …/pause sets its end to that moment) the planner resumes:
// an incident still open then is announced once (it was never told), one that
// came and went inside the window stays untold, and one that was announced
// before the window gets its reminder or resolve notice then.
//
//   window 13:00–14:00, stale 13:10–13:20              → nothing, ever
//   window 13:00–14:00, stale 13:10, still open 14:00  → STALE at 14:00, RESOLVED when it clears
//   window 13:00–14:00, stale from 12:00 (announced)   → no reminder or resolve before 14:00

/** A project's last pause window as stored (Project.pausedAt, pausedUntil); nulls: never paused. */
export interface PauseWindow {
  pausedAt: Date | null;
  pausedUntil: Date | null;
}

export interface PausedIncident {
  resolvedAt: Date | null;
}

/** An earlier window of the same project, kept a day after it ended (Project.pausedBefore, JSON of ISO strings). */
export interface PauseSpan {
  from: string;
  until: string;
}

/** How long an ended window is remembered: as long as the planner still tells of a resolved incident (plan.ts). */
export const PAUSE_MEMORY_MS = 86_400_000;

/**
 * What the pause means for planning one incident at `now`:
 *   "hold"  — the window is on: plan nothing now, look again at `until`;
 *   "quiet" — the incident ended inside this window or an earlier one and was never announced: nothing, ever;
 *   null    — no window concerns it: plan as usual.
 * `announced`: some channel was already told it opened (an "opened" or "missed" delivery exists).
 */
export function pauseDecision(incident: PausedIncident, window: PauseWindow, earlier: PauseSpan[], announced: boolean, now: Date): "hold" | "quiet" | null {
  const { pausedAt, pausedUntil } = window;
  if (pausedAt && pausedUntil && now < pausedUntil) return "hold";
  const r = incident.resolvedAt?.getTime();
  if (r === undefined || announced) return null;
  const spans = [...earlier.map((e) => [Date.parse(e.from), Date.parse(e.until)]), ...(pausedAt && pausedUntil ? [[pausedAt.getTime(), pausedUntil.getTime()]] : [])];
  return spans.some(([from, until]) => r >= from && r <= until) ? "quiet" : null;
}

/** True while the window is on at `now`. */
export function isPaused(window: PauseWindow, now: Date): boolean {
  return !!window.pausedAt && !!window.pausedUntil && window.pausedAt <= now && now < window.pausedUntil;
}

/** The longest pause an operator may ask for. */
export const MAX_PAUSE_MS = 30 * 86_400_000;

/**
 * The window a pause request at `now` stores: it starts now, or keeps its start when it extends or shortens a
 * window still on (so incidents that ended earlier in it stay quiet). A window that had ended moves to
 * `pausedBefore` (those ended more than PAUSE_MEMORY_MS ago are dropped). Throws with the field named when
 * `until` is not in the future or lies more than 30 days ahead.
 */
export function pauseWindow(current: PauseWindow, earlier: PauseSpan[], until: Date, now: Date): { pausedAt: Date; pausedUntil: Date; pausedBefore: PauseSpan[] } {
  if (Number.isNaN(until.getTime())) throw new Error("body/until must be an ISO 8601 date-time");
  if (until <= now) throw new Error(`body/until must be in the future (it is ${until.toISOString()}, now is ${now.toISOString()})`);
  if (until.getTime() - now.getTime() > MAX_PAUSE_MS) throw new Error("body/until must be at most 30 days ahead");
  if (isPaused(current, now)) return { pausedAt: current.pausedAt!, pausedUntil: until, pausedBefore: earlier };
  const ended = current.pausedAt && current.pausedUntil ? [{ from: current.pausedAt.toISOString(), until: current.pausedUntil.toISOString() }] : [];
  const kept = [...earlier, ...ended].filter((e) => now.getTime() - Date.parse(e.until) <= PAUSE_MEMORY_MS);
  return { pausedAt: now, pausedUntil: until, pausedBefore: kept };
}
