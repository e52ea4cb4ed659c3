// Shared windows with this process's own as a fallback. Every failure is also counted in memory; while the
// shared backend fails (down, refusing, slower than `timeoutMs`) the memory windows answer alone, so guesses
// stay limited per process, never unlimited, and nobody is locked out for the backend's sake (a valid
// credential is never checked against a window). While it is down it is asked again at most once a second
// (a hung backend costs one timeout a second, not one per request). The first failure of an outage is
// logged, and the recovery.
// Answers are the worse of the two windows: failures counted in memory during an outage keep their weight
// once the backend is back, until their windows end.
import { memoryWindows, type FailureWindows, type Window } from "./windows.ts";

export interface FallbackLog {
  warn(message: string): void;
  info(message: string): void;
}

export const SHARED_TIMEOUT_MS = 500;
export const RETRY_DOWN_EVERY_MS = 1_000;

function worse(a: Window | null, b: Window | null): Window | null {
  if (!a) return b;
  if (!b) return a;
  return b.count > a.count || (b.count === a.count && b.leftMs > a.leftMs) ? b : a;
}

/** `name`: the backend as logs name it ("Redis", "PostgreSQL"); never its URL. */
export function withFallback(shared: FailureWindows, name: string, log: FallbackLog, options: { now?: () => number; timeoutMs?: number } = {}): FailureWindows {
  const now = options.now ?? (() => Date.now());
  const local = memoryWindows(now);
  const timeoutMs = options.timeoutMs ?? SHARED_TIMEOUT_MS;
  let down = false;
  let retryAt = 0;

  async function ask<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    if (down && now() < retryAt) return { ok: false };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const value = await Promise.race([call(), timeout]);
      if (down) {
        down = false;
        log.info(`failed-login counts are shared through ${name} again`);
      }
      return { ok: true, value };
    } catch (err) {
      retryAt = now() + RETRY_DOWN_EVERY_MS;
      if (!down) {
        down = true;
        log.warn(`${name} is unreachable for failed-login counts (${(err as Error).message}): counting in this process only until it is back`);
      }
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async add(key, windowMs) {
      const mine = local.addNow(key, windowMs);
      const theirs = await ask(() => shared.add(key, windowMs));
      return theirs.ok ? worse(theirs.value, mine)! : mine;
    },
    async get(key) {
      const mine = await local.get(key);
      const theirs = await ask(() => shared.get(key));
      return theirs.ok ? worse(theirs.value, mine) : mine;
    },
    close: () => shared.close(),
  };
}
