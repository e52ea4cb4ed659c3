// Whether this core can reach its store right now, shared by the error handler (server/errors.ts: a request
// that failed because of it answers 503 store_unavailable) and /healthz (server/routes/health.ts).
//
//   storeLocation(config): string      "PostgreSQL at host:port" / "SQLite at <dataDir>/borela.db" (never a password)
//   freeBytesAt(dir): number | null     bytes this process may write on dir's file system (statfs), null when unreadable
//   createStoreReachability({store, location, log, freeBytes?, timeoutMs?, cacheMs?, recheckMs?}): StoreReachability
//     failed(err): string | null       the 503 message when err means the store cannot be reached, else null
//     check(): Promise<Reachability>   a probe (SELECT 1, timeoutMs = 1 s) at most once per cacheMs (0.5 s);
//                                      concurrent callers share one probe
//     outage(): string | null          the 503 message while an outage is known (no probe), else null
//     stop()                           ends the recheck timer (at close)
// Logs one warn line when an outage begins ("store unreachable since …") and one when it ends ("store
// reachable again after N s"). While down it probes every recheckMs (1 s) by itself, so the end is seen
// (and logged) even when no request and no /healthz call comes. A full disk (SQLITE_FULL) reads fine: its
// outage ends only once the probe reads and the store's file system has FULL_ENDS_AT_BYTES free (freeBytes:
// statfs of the SQLite data dir), else it began again at every write, a warn line each way every second.
import { statfsSync } from "node:fs";
import type { Config } from "../config.ts";
import type { Log } from "../logger.ts";
import { databaseFile, type Store } from "./db.ts";
import { dialectOf } from "./dialect.ts";
import { nextOutage, type Outage, type OutageEvent } from "./outage.ts";
import { unreachableReason } from "./unreachable.ts";

/** Free space on a full store's file system that ends its outage (a group commit's WAL frames need some). */
export const FULL_ENDS_AT_BYTES = 8 * 1024 * 1024;

export type Reachability = { ok: true } | { ok: false; error: string; since: string };

export interface StoreReachability {
  location: string;
  failed(err: unknown): string | null;
  check(): Promise<Reachability>;
  /** The 503 message while an outage is known (a failed request or probe began it; a probe ends it), else null. No I/O. */
  outage(): string | null;
  stop(): void;
}

/** Where the store is, as an operator names it; a PostgreSQL URL gives only its host and port. */
export function storeLocation(config: Pick<Config, "dataDir" | "databaseUrl">): string {
  if (!config.databaseUrl) return `SQLite at ${databaseFile(config.dataDir)}`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.hostname || "localhost"}:${url.port || "5432"}`;
  } catch {
    return "PostgreSQL";
  }
}

/** Bytes this process may write on the file system holding `dir` (root: the reserved blocks too), or null when it cannot be read. */
export function freeBytesAt(dir: string): number | null {
  try {
    const fs = statfsSync(dir);
    return (process.getuid?.() === 0 ? fs.bfree : fs.bavail) * fs.bsize;
  } catch {
    return null;
  }
}

/** The 503 message for the store at `location` failing with `reason`. */
export function unavailableMessage(location: string, reason: string): string {
  return `the store (${location}) cannot be reached: ${reason}; retry later`;
}

export interface ReachabilityDeps {
  store: Store;
  location: string;
  log: Log;
  /** Bytes free for the store's files (SQLite: statfs of the data dir), null when unknown or not on this machine. */
  freeBytes?: () => number | null;
  timeoutMs?: number;
  cacheMs?: number;
  recheckMs?: number;
}

export function createStoreReachability(deps: ReachabilityDeps): StoreReachability {
  const { store, location, log } = deps;
  const timeoutMs = deps.timeoutMs ?? 1_000;
  const cacheMs = deps.cacheMs ?? 500;
  const recheckMs = deps.recheckMs ?? 1_000;
  // SELECT 1 on SQLite never touches the file: read its schema page instead.
  const probeSql = dialectOf(store) === "sqlite" ? "SELECT count(*) FROM sqlite_master" : "SELECT 1";
  let outage: Outage | null = null;
  let last: { at: number; result: Reachability } | null = null;
  let inflight: Promise<Reachability> | null = null;
  let recheck: NodeJS.Timeout | null = null;
  let stopped = false;

  function note(event: OutageEvent): void {
    const step = nextOutage(outage, event, new Date());
    outage = step.outage;
    if (step.began && outage) {
      last = null;
      log.warn({ store: location, reason: outage.reason }, `store unreachable since ${outage.since.toISOString()}: ${unavailableMessage(location, outage.reason)}`);
      scheduleRecheck();
    }
    if (step.endedAfterSeconds !== null) log.warn({ store: location, outageSeconds: step.endedAfterSeconds }, `store reachable again after ${step.endedAfterSeconds} s (${location})`);
  }

  function scheduleRecheck(): void {
    if (recheck || stopped) return;
    recheck = setTimeout(() => {
      recheck = null;
      void probe().then(() => {
        if (outage) scheduleRecheck();
      });
    }, recheckMs);
    recheck.unref();
  }

  /** During a full-disk outage, its reason while the file system has not got FULL_ENDS_AT_BYTES free; else null. */
  function stillFullReason(): string | null {
    if (!outage?.reason.startsWith("SQLITE_FULL")) return null;
    const free = deps.freeBytes?.() ?? null;
    return free !== null && free < FULL_ENDS_AT_BYTES ? outage.reason : null;
  }

  async function probe(): Promise<Reachability> {
    inflight ??= (async (): Promise<Reachability> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer to ${probeSql} within ${timeoutMs} ms`), { code: "PROBE_TIMEOUT" })), timeoutMs);
      });
      let reason: string | null;
      try {
        await Promise.race([store.$queryRawUnsafe(probeSql), timeout]);
        reason = stillFullReason();
      } catch (err) {
        const timedOut = (err as { code?: string }).code === "PROBE_TIMEOUT";
        reason = unreachableReason(err) ?? (timedOut ? (err as Error).message : `${probeSql} failed: ${lastLine(err)}`);
      } finally {
        clearTimeout(timer);
      }
      if (reason === null) {
        note({ ok: true });
        return { ok: true };
      }
      note({ ok: false, reason });
      return { ok: false, error: unavailableMessage(location, reason), since: (outage?.since ?? new Date()).toISOString() };
    })().then((result) => {
      last = { at: Date.now(), result };
      inflight = null;
      return result;
    });
    return inflight;
  }

  return {
    location,
    failed(err) {
      const reason = unreachableReason(err);
      if (!reason) return null;
      note({ ok: false, reason });
      return unavailableMessage(location, reason);
    },
    async check() {
      if (last && Date.now() - last.at < cacheMs && !inflight) return last.result;
      return probe();
    },
    outage() {
      return outage ? unavailableMessage(location, outage.reason) : null;
    },
    stop() {
      stopped = true;
      if (recheck) clearTimeout(recheck);
      recheck = null;
    },
  };
}

/** The last non-empty line of an error's message (Prisma's start with a code excerpt of the caller). */
function lastLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n").filter((l) => l.trim()).at(-1) ?? "unknown error";
}
