// When did the trouble an incident is about really begin? An incident opens
// once its condition has crossed a threshold, so its openedAt is late by that
// threshold: a silent agent's incident opens a grace after its last heartbeat,
// a stale backup's a stale threshold after the oldest change that waits. Alerts
// measure from the beginning, so "silent for 2 min" is the real silence.

export interface StartFacts {
  /** The newest heartbeat received at or before the incident opened; null when none is kept. */
  lastHeartbeatAt: Date | null;
  /** The oldest unreplicated change of the incident's database in that heartbeat (its replicas' pendingSince); null when unknown. */
  pendingSince: Date | null;
  staleAfterSeconds: number;
  heartbeatGraceSeconds: number;
}

/**
 * silent: the last heartbeat before it opened (else openedAt minus the grace); stale: the oldest unreplicated
 * change that heartbeat reported (else openedAt minus the stale threshold, right to within one sweep); every
 * other kind begins when it opened. Never later than openedAt.
 */
export function conditionStart(kind: string, openedAt: Date, facts: StartFacts): Date {
  const back = (seconds: number) => new Date(openedAt.getTime() - seconds * 1000);
  switch (kind) {
    case "silent":
      return facts.lastHeartbeatAt && facts.lastHeartbeatAt <= openedAt ? facts.lastHeartbeatAt : back(facts.heartbeatGraceSeconds);
    case "stale":
      return facts.pendingSince && facts.pendingSince <= openedAt ? facts.pendingSince : back(facts.staleAfterSeconds);
    default:
      return openedAt;
  }
}
