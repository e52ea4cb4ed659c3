// Freshness is position, not time: a database is fresh when every replica has
// caught up with it (or the change still waiting is younger than the stale
// threshold), the agent is heard from within its grace, and nothing is in error.
import { silentSince } from "../words/reasons.ts";
import { agentlessVerdict, type StorageListing } from "./agentless.ts";
import { formatDuration } from "../words/duration.ts";
import { worstStatus, type Status } from "./severity.ts";
import { replicaReach } from "./replica-reach.ts";
import { noDatabasesVerdict, type RetiredDatabase } from "./retired.ts";
import type { Position } from "../protocol.ts";
import { secondsBetween } from "../words/seconds.ts";

export { STATUSES, severity, worstStatus, type Status } from "./severity.ts";

export interface Thresholds {
  staleAfterSeconds: number;
  heartbeatGraceSeconds: number;
}

/**
 * A database left out of this many heartbeats in a row, while the agent keeps
 * sending them, is no longer reported. Three, not one: during a deploy the old
 * and the new agent can both send a heartbeat or two, and one heartbeat measured
 * before a config reload may still list the old set; three intervals (90 s at the
 * agent's default 30 s) is still inside the default 120 s grace, so the cause is
 * named before anything could look merely silent.
 */
export const MISSING_AFTER_HEARTBEATS = 3;

export interface ReplicaState {
  url: string;
  pendingSince: Date | null;
  lastError: string | null;
  /** Whether the agent reported a replica position (null before Litestream has replicated anything). */
  hasPosition: boolean;
  /** The replica's newest snapshot as the agent last read it from storage; null when none exists yet. */
  lastSnapshotAt: Date | null;
  /** The replica's position as reported; absent or null when not reported. */
  position?: Position | null;
}

export interface DatabaseState {
  name: string;
  path: string;
  lastHeartbeatAt: Date | null;
  exists: boolean;
  errors: string[];
  replicas: ReplicaState[];
  /** Heartbeats in a row, newer than this database's last report, that left it out. */
  missedHeartbeats: number;
  /** The database's own position as reported; absent or null when not reported. */
  position?: Position | null;
}

export interface Verdict {
  status: Status;
  reasons: string[];
}

export function silenceVerdict(lastHeartbeatAt: Date | null, t: Thresholds, now: Date): Verdict | null {
  if (!lastHeartbeatAt) return { status: "unknown", reasons: ["no heartbeat received yet"] };
  const quiet = secondsBetween(lastHeartbeatAt, now);
  if (quiet > t.heartbeatGraceSeconds) {
    return {
      status: "silent",
      // Stored as the moment the silence began (reasons.ts renders its length when read): stable across sweeps.
      reasons: [`${silentSince("heartbeat", lastHeartbeatAt)} (grace ${formatDuration(t.heartbeatGraceSeconds)}): is the agent running?`],
    };
  }
  return null;
}

/** A project watched by Litestream's ping alone (no agent, no stored replica): agentless.ts. */
export function pingVerdict(lastPingAt: Date, t: Thresholds, now: Date): Verdict {
  return agentlessVerdict({ lastPingAt, listing: null }, t, now);
}

/** The words for a database the agent no longer reports (fault 8). */
export function notReportedReason(name: string): string {
  return `the agent no longer reports ${name} — removed from its configuration?`;
}

export function evaluateDatabase(db: DatabaseState, t: Thresholds, now: Date): Verdict {
  // Before silence: the agent is heard from, only this database is not in what it says.
  if (db.missedHeartbeats >= MISSING_AFTER_HEARTBEATS) return { status: "error", reasons: [notReportedReason(db.name)] };
  const silence = silenceVerdict(db.lastHeartbeatAt, t, now);
  if (silence) return silence;

  const errors: string[] = [];
  // The agent's own words about the missing file (moved or deleted, …) say it better: one sentence, not two.
  if (!db.exists && !db.errors.some((e) => e.includes(db.path))) errors.push(`database file missing at ${db.path}`);
  errors.push(...db.errors);
  if (db.replicas.length === 0) errors.push(`no replica configured for ${db.path}`);
  // An error that names its replica already ("cannot read replica s3://…: …") is not prefixed with it again.
  for (const r of db.replicas) if (r.lastError) errors.push(r.lastError.includes(r.url) ? r.lastError : `replica ${r.url}: ${r.lastError}`);
  if (errors.length > 0) return { status: "error", reasons: dedupe(byCause(errors)) };

  const stale: string[] = [];
  for (const r of db.replicas) {
    if (!r.pendingSince) continue;
    const waiting = secondsBetween(r.pendingSince, now);
    if (waiting > t.staleAfterSeconds) {
      stale.push(
        `changes to ${db.name} unreplicated for ${formatDuration(waiting)} on ${r.url} (threshold ${formatDuration(t.staleAfterSeconds)})`,
      );
    }
  }
  if (stale.length > 0) return { status: "stale", reasons: stale };

  // Nothing restorable exists yet: whatever the positions say, this is not fresh.
  const noBackup = db.replicas
    .filter((r) => !r.hasPosition || !r.lastSnapshotAt)
    .map((r) => `no backup yet: ${db.name} has ${r.lastSnapshotAt ? "no replicated position" : "no snapshot"} on ${r.url}`);
  if (noBackup.length > 0) return { status: "unknown", reasons: noBackup };

  // A replica reported behind its database with no pendingSince is not "caught up"; honest agents send that
  // too (the replica's position is read from storage less often than the database's), so only the words change.
  const reach = db.replicas.map((r) => replicaReach(db.position, r.position));
  const pending = db.replicas.some((r, i) => r.pendingSince || reach[i] === "behind");
  // A replica reported ahead of its database is no reason of its own: an honest agent reads the database's
  // position before the replica's, so a sync in between shows one on a steady writer (a database replaced or
  // restored is caught by the agent: identity and rewind checks).
  return { status: "fresh", reasons: [pending ? `${db.name}: replication in progress` : `${db.name}: replicas caught up`] };
}

export function evaluateProject(
  project: Thresholds & { lastHeartbeatAt: Date | null; lastPingAt?: Date | null; listing?: StorageListing | null; retired?: RetiredDatabase | null },
  databases: DatabaseState[],
  now: Date,
  rejectedToken: { at: Date; reason: string } | null = null,
): Verdict & { databases: Verdict[] } {
  // No agent has ever reported: a Litestream ping and the core's own storage listing, if either exists, are the signals.
  if (!project.lastHeartbeatAt && databases.length === 0 && (project.lastPingAt || project.listing)) {
    return { ...agentlessVerdict({ lastPingAt: project.lastPingAt ?? null, listing: project.listing ?? null }, project, now), databases: [] };
  }
  let silence = silenceVerdict(project.lastHeartbeatAt, project, now);
  // An agent still knocking with a revoked token is the likely cause of the silence: say so.
  if (silence?.status === "silent" && rejectedToken && project.lastHeartbeatAt && rejectedToken.at > project.lastHeartbeatAt) {
    silence = { status: "silent", reasons: [`the agent is sending heartbeats with a ${rejectedToken.reason} agent token: give it the project's current token`, ...silence.reasons] };
  }
  // A database in the project's latest heartbeat (none missed) is heard from when the project is: its own
  // time is when that report was sent, a little older, which would make it silent a moment before the project.
  const heard = (db: DatabaseState): DatabaseState =>
    db.missedHeartbeats === 0 && project.lastHeartbeatAt && (!db.lastHeartbeatAt || db.lastHeartbeatAt < project.lastHeartbeatAt)
      ? { ...db, lastHeartbeatAt: project.lastHeartbeatAt }
      : db;
  const verdicts = databases.map((db) => evaluateDatabase(heard(db), project, now));
  if (silence) return { ...silence, databases: verdicts.map(() => silence) };
  if (databases.length === 0) return { ...noDatabasesVerdict(project.retired ?? null), databases: [] };
  const status = worstStatus(verdicts.map((v) => v.status));
  const reasons = verdicts.filter((v) => v.status === status).flatMap((v) => v.reasons);
  return { status, reasons: dedupe(reasons), databases: verdicts };
}

// A replica write failure is the cause; retention and compaction failures (old files not deleted or merged)
// follow from it or matter less: the write failure leads the reason, and the alert's subject.
const WRITE_FAILURE = /\b(?:upload failed|snapshot failed|cannot write|could not write|write failed|not writable|read-only file system)\b/i;
const MAINTENANCE = /\b(?:retention|compaction)\b/i;

/** `errors` ordered by cause, stable within a rank: replica write failures, then the rest, then retention and compaction failures. */
export function byCause(errors: string[]): string[] {
  const rank = (e: string) => (WRITE_FAILURE.test(e) ? 0 : MAINTENANCE.test(e) ? 2 : 1);
  return errors.map((e, i) => ({ e, i, r: rank(e) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.e);
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}
