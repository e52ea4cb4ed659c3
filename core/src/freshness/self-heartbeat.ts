// The core's own outbound heartbeat (BORELA_SELF_HEARTBEAT_URL, e.g. a healthchecks.io check):
// an HTTP GET after every completed sweep, so an outside service hears when Borela stops judging.
// At most one ping in flight (a sweep that ends while the last ping still waits sends none), a short
// timeout, no retries (the next sweep is the retry), never awaited by the sweep. Failures are logged
// once per streak, with the target reduced to its origin: a check URL's path is its secret.
//
//   pingTarget(url: string): string                                             pure: "https://hc-ping.com/…"
//   pingLogDecision(failingBefore: boolean, failure: string | null): PingLog    pure
//   createSelfHeartbeat(url, logger, timeoutMs?): SelfHeartbeat                  ping(): void · idle(): Promise<void>
import { withoutSecrets, withoutUserinfo } from "../redact.ts";
import type { Log } from "../logger.ts";

export const PING_TIMEOUT_MS = 5_000;

/** The target as logs may show it: scheme and host, "/…" when a path or query (the check's secret) was dropped. */
export function pingTarget(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === "/" && !u.search ? "" : "/…"}`;
}

export type PingLog = "none" | "failed" | "recovered";

/** What one ping's outcome logs: the first failure of a streak, the first success after one, else nothing. */
export function pingLogDecision(failingBefore: boolean, failure: string | null): PingLog {
  if (failure !== null) return failingBefore ? "none" : "failed";
  return failingBefore ? "recovered" : "none";
}

export interface SelfHeartbeat {
  /** Sends one ping unless one is in flight; never throws, never blocks the caller. */
  ping(): void;
  /** Waits for the ping in flight (tests, shutdown). */
  idle(): Promise<void>;
}

export function createSelfHeartbeat(url: string, logger: Log, timeoutMs = PING_TIMEOUT_MS): SelfHeartbeat {
  const target = pingTarget(url);
  const parsed = new URL(url);
  const secrets = [url, parsed.pathname.length > 1 ? parsed.pathname : null, parsed.search || null, parsed.username, parsed.password];
  const clean = (text: string) => withoutSecrets(withoutUserinfo(text), secrets).slice(0, 300);
  let inFlight: Promise<void> | null = null;
  let failing = false;

  async function once(): Promise<void> {
    let failure: string | null = null;
    try {
      const res = await fetch(url, { method: "GET", signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) failure = `HTTP ${res.status}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      failure = (err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : cause ?? (err as Error).message;
    }
    const decision = pingLogDecision(failing, failure);
    if (decision === "failed") logger.error({ target, error: clean(failure ?? "") }, `self heartbeat to ${target} failed: an outside check will report Borela down; logged once until it succeeds`);
    if (decision === "recovered") logger.info({ target }, `self heartbeat to ${target} delivered again`);
    failing = failure !== null;
  }

  return {
    ping() {
      inFlight ??= once().finally(() => (inFlight = null));
    },
    async idle() {
      await inFlight;
    },
  };
}
