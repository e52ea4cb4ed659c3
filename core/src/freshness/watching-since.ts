// One concept, "watching since": the watcher (the cores, through their store) hears heartbeats and judges
// silences only while it can reach its store and run. After a gap in which it could not (a core's start
// after downtime, a store outage, a frozen event loop, a sweep lease held by a dead core), it has regained
// sight at some moment; what the agents said during the gap was refused or never read, through no fault
// of theirs. Like healthchecks.io after its own downtime, a project the gap caught gets a fresh heartbeat
// grace measured from the moment sight returned before it is judged; its queued heartbeats arrive in it.
//
// The rule, for a signal last heard at L with grace G (project: its heartbeat and its ping, none heard
// since S; a database: its latest report's time), and a sight {blindFrom B, since S} at `now`:
//   excused  iff  L < S  and  now <= S + G  and  (B is null  or  L + G > B)
// i.e. only a silence whose deadline (L + G) fell after the watcher last saw (inside the gap, or later)
// waits; a silence whose deadline fell before the gap began was judged then and is judged as usual (an
// open incident stays open, the project stays silent). B is null when unknown (a core's own start): every
// project heard from before the start waits, and an excused project is left as it was, so an incident
// already open stays open. A real silence is still found one grace after S, its duration from L.
// For a Litestream ping, G is one ping interval plus the grace, as its silence is judged (agentless.ts).
import { pingSilentAfterSeconds } from "./agentless.ts";
import type { Sight } from "../store/sight-text.ts";

export type { Sight };

export interface LastSignal {
  lastHeartbeatAt: Date | null;
  lastPingAt?: Date | null;
  heartbeatGraceSeconds: number;
}

/** The sight (latest `since` first) under which a signal last heard at `last` is excused at `now` (rule above), or null. */
export function excusingSight(last: Date | null, graceSeconds: number, sights: readonly Sight[], now: Date): Sight | null {
  if (!last) return null;
  const l = last.getTime();
  const g = graceSeconds * 1000;
  let best: Sight | null = null;
  for (const s of sights) {
    const since = s.since.getTime();
    if (l >= since || now.getTime() - since > g) continue;
    if (s.blindFrom !== null && l + g <= s.blindFrom.getTime()) continue;
    if (!best || since > best.since.getTime()) best = s;
  }
  return best;
}

/**
 * What keeps the project from being judged at `now`: the excusing sight and the window it grants (seconds
 * from its `since`: the heartbeat grace, or for a Litestream ping one ping interval plus it, as silence is
 * judged, agentless.ts), or null: judged as usual. A project never heard from, or heard from (heartbeat or
 * ping) since sight returned, is judged as usual.
 */
export function projectExcusedBy(p: LastSignal, sights: readonly Sight[], now: Date): { sight: Sight; graceSeconds: number } | null {
  const signals: [Date, number][] = [];
  if (p.lastHeartbeatAt) signals.push([p.lastHeartbeatAt, p.heartbeatGraceSeconds]);
  if (p.lastPingAt) signals.push([p.lastPingAt, pingSilentAfterSeconds(p.heartbeatGraceSeconds)]);
  let best: { sight: Sight; graceSeconds: number } | null = null;
  for (const [last, graceSeconds] of signals) {
    const sight = excusingSight(last, graceSeconds, sights, now);
    if (sight && (!best || sight.since > best.sight.since)) best = { sight, graceSeconds };
  }
  if (!best) return null;
  const since = best.sight.since.getTime();
  return signals.some(([last]) => last.getTime() >= since) ? null : best;
}

/**
 * When a database was last heard from, as the silence check should see it: a database's time is when
 * its report was sent, so reports the agent queued during a blind gap and sends after it carry times
 * from the gap. An excused time (rule above) counts as the excusing sight's `since`; otherwise the time itself.
 */
export function heardFromForJudging(lastHeartbeatAt: Date | null, sights: readonly Sight[], graceSeconds: number, now: Date): Date | null {
  return excusingSight(lastHeartbeatAt, graceSeconds, sights, now)?.since ?? lastHeartbeatAt;
}

/**
 * A blind gap seen from the store's sweep mark: when no sweep completed for longer than `boundMs` before
 * `now` (`lastSeen`: the latest completed sweep, any core's, or this core's sweep in progress), sight returns
 * now. Null when there was no gap, none is known (no sweep ever), or `recorded` (the stored sight) already
 * covers this gap (its blindFrom is at or after `lastSeen`), so every core names one gap once.
 */
export function sightAfterGap(lastSeen: Date | null, recorded: Sight | null, now: Date, boundMs: number): Sight | null {
  if (!lastSeen || now.getTime() - lastSeen.getTime() <= boundMs) return null;
  if (recorded?.blindFrom && recorded.blindFrom.getTime() >= lastSeen.getTime()) return null;
  return { blindFrom: lastSeen, since: now };
}

/** How long without a completed sweep counts as blind: two sweep intervals and 5 s of slack (a sweep's own length, timer jitter). */
export function blindAfterMs(sweepIntervalSeconds: number): number {
  return 2 * sweepIntervalSeconds * 1000 + 5_000;
}
