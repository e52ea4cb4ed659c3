// Agentless watching (issue 16, item 8): a project with no Borela agent, watched
// by two signals the core gets without one:
//   the Litestream ping: Litestream 0.5's own `heartbeat-url` GET (routes/ping.ts),
//     sent only while every database has synced: Litestream runs and keeps up;
//   the storage listing: the core itself lists the replica the operator stored for
//     the project (replica-listing.ts), with the project's stored credentials: the
//     LTX files there say backups reach it (their age is told, not judged: an idle
//     database writes none).
// Fresh when the ping came within one ping interval + the grace and the listing
// found LTX files; otherwise the reasons name the signal that is missing.
// The reasons also say which signals the project lacks and what that leaves unseen.
import { ltxWrittenAt, pingedAt, silentSince } from "../words/reasons.ts";
import { formatDuration } from "../words/duration.ts";
import { worstStatus, type Status } from "./severity.ts";
import type { Thresholds, Verdict } from "./status.ts";
import type { StorageListing } from "../store/storage-listing.ts";
import { secondsBetween } from "../words/seconds.ts";

export type { StorageListing };


export interface AgentlessSignals {
  /** Last Litestream ping; null when none came. */
  lastPingAt: Date | null;
  /** Null when no replica is stored for the core to list. */
  listing: StorageListing | null;
}

/** The words for each signal a project lacks (agent, Litestream ping, storage listing): what nobody watches then. */
export const MISSING_SIGNAL = {
  agent: "no Borela agent: nothing reports the databases' own positions, files or row counts",
  ping: "no Litestream ping yet: nothing says Litestream runs and has synced every database (set heartbeat-url in litestream.yml to the project's ping URL)",
  listing: "storage not listed: no replica stored for the core to list, so nothing checks that backups reach storage (store the project's replicaUrl)",
} as const;

/**
 * Litestream 0.5's smallest `heartbeat-interval` (heartbeat.go MinHeartbeatInterval, v0.5.16: a config below it
 * is refused, a client below it raised to it). Its default is 5 min; the project page asks for this one. Its
 * monitor checks every 15 s, so pings come every 60–75 s at best.
 */
export const LITESTREAM_MIN_PING_INTERVAL_SECONDS = 60;
/** The litestream.yml line for that interval (a Go duration). */
export const PING_INTERVAL_LINE = "heartbeat-interval: 1m";

/** Seconds after the last Litestream ping before a project is silent: one ping interval plus the project's grace. */
export function pingSilentAfterSeconds(heartbeatGraceSeconds: number): number {
  return LITESTREAM_MIN_PING_INTERVAL_SECONDS + heartbeatGraceSeconds;
}

/**
 * The warning for a project without an agent whose grace is shorter than Litestream's smallest ping interval
 * (a grace alone would call it silent between two pings); null otherwise.
 */
export function pingGraceWarning(heartbeatGraceSeconds: number): string | null {
  if (heartbeatGraceSeconds >= LITESTREAM_MIN_PING_INTERVAL_SECONDS) return null;
  return `heartbeatGraceSeconds (${formatDuration(heartbeatGraceSeconds)}) is shorter than Litestream's smallest ${PING_INTERVAL_LINE}: the Litestream ping is judged silent only after ${formatDuration(pingSilentAfterSeconds(heartbeatGraceSeconds))} (interval + grace)`;
}

/**
 * A stored file replica's directory that does not exist yet (a missing directory lists as empty) is awaited until
 * Litestream says it synced: while no ping came before the listing began, Litestream may not have synced yet (it
 * creates the directory then), so the project waits (unknown); a listing begun after a ping that still finds none
 * is an error (the ping is sent only once every database synced: the path is not the one litestream.yml writes to).
 * The grace is thus one listing round after the first ping. Pure; `lastPingAt` as read before the listing began.
 */
export function missingDirectoryWords(url: string, lastPingAt: Date | null): string {
  return lastPingAt === null
    ? `${url} ${DIRECTORY_AWAITED}`
    : `${url} does not exist, though Litestream pinged (it pings only once every database synced): is it the path litestream.yml writes to?`;
}
/** The words that mark a listing error as an awaited directory (missingDirectoryWords before any ping). */
export const DIRECTORY_AWAITED = "does not exist yet: Litestream creates it on its first sync; waiting for it (no Litestream ping yet)";

interface Part {
  status: Status;
  reasons: string[];
}

function pingPart(lastPingAt: Date | null, t: Thresholds, now: Date): Part {
  if (!lastPingAt) return { status: "unknown", reasons: [MISSING_SIGNAL.ping] };
  const allowed = pingSilentAfterSeconds(t.heartbeatGraceSeconds);
  if (secondsBetween(lastPingAt, now) > allowed) {
    const grace = `grace ${formatDuration(t.heartbeatGraceSeconds)} after one ${PING_INTERVAL_LINE}`;
    return { status: "silent", reasons: [`${silentSince("Litestream ping", lastPingAt)}: is Litestream running? (${grace})`] };
  }
  return { status: "fresh", reasons: [`${pingedAt(lastPingAt)}: it runs and every database synced`] };
}

// No stale-by-age: an idle database writes no LTX file (0.5 makes no snapshot either while its TXID stands,
// store.go CompactDB ErrNoCompaction, v0.5.16), so without an agent an old newest file is no sign of a frozen replica.
function listingPart(l: StorageListing | null): Part {
  if (!l) return { status: "fresh", reasons: [] };
  if (l.error?.endsWith(DIRECTORY_AWAITED)) return { status: "unknown", reasons: [`storage listing: ${l.error}`] };
  if (l.error) return { status: "error", reasons: [`storage listing: the core cannot list ${l.url}: ${l.error}`] };
  if (!l.listedAt) return { status: "fresh", reasons: [`storage listing: ${l.url} not listed yet`] };
  if (!l.newestLtxAt) {
    return { status: "stale", reasons: [`storage listing: no LTX file on ${l.url}: is it the replica litestream.yml writes to?`] };
  }
  return {
    status: "fresh",
    reasons: [`storage listing: ${ltxWrittenAt(l.newestLtxAt)} on ${l.url} (an idle database writes none; without an agent nothing compares it with the database)`],
  };
}

/**
 * The verdict of a project without an agent, from its Litestream ping and its storage listing.
 * Status: the worse of the two parts (no ping yet: unknown; no ping for one Litestream interval + the
 * grace: silent; a file replica's directory awaited (missingDirectoryWords): unknown; listing failed: error; no LTX file: stale; the newest
 * LTX file's age is reported, never judged). Reasons: the worst
 * part's first, then the other's, then one line per missing signal (MISSING_SIGNAL).
 */
export function agentlessVerdict(s: AgentlessSignals, t: Thresholds, now: Date): Verdict {
  const parts = [pingPart(s.lastPingAt, t, now), listingPart(s.listing)];
  const status = worstStatus(parts.map((p) => p.status));
  const ordered = [...parts.filter((p) => p.status === status), ...parts.filter((p) => p.status !== status)];
  const missing = [MISSING_SIGNAL.agent, ...(s.listing ? [] : [MISSING_SIGNAL.listing])];
  return { status, reasons: [...ordered.flatMap((p) => p.reasons), ...missing] };
}
