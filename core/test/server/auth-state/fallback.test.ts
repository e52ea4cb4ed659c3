// The decisions around the shared windows, without a server: which backend is picked, and how the memory
// fallback answers while the shared backend fails, hangs, or comes back.
import { describe, expect, it } from "vitest";
import { authStateBackend } from "../../../src/server/auth-state/backend.ts";
import { withFallback } from "../../../src/server/auth-state/fallback.ts";
import { memoryWindows, type FailureWindows } from "../../../src/server/auth-state/windows.ts";

describe("authStateBackend", () => {
  it("Redis when BORELA_REDIS_URL is set, else a PostgreSQL store, else memory", () => {
    expect(authStateBackend({ redisUrl: "redis://127.0.0.1:6379", postgresUrl: "postgresql://x@127.0.0.1/b" })).toEqual({ kind: "redis", url: "redis://127.0.0.1:6379" });
    expect(authStateBackend({ redisUrl: null, postgresUrl: "postgresql://x@127.0.0.1/b" })).toEqual({ kind: "postgres", url: "postgresql://x@127.0.0.1/b" });
    expect(authStateBackend({ redisUrl: null, postgresUrl: null })).toEqual({ kind: "memory" });
  });
});

/** A shared backend that can be switched to failing or hanging, backed by memory while healthy. */
function flaky(now: () => number) {
  const inner = memoryWindows(now);
  let mode: "up" | "down" | "hang" = "up";
  const call = <T>(f: () => Promise<T>) =>
    mode === "up" ? f() : mode === "down" ? Promise.reject(new Error("connect ECONNREFUSED")) : new Promise<T>(() => undefined);
  const windows: FailureWindows = {
    add: (k, ms) => call(() => inner.add(k, ms)),
    get: (k) => call(() => inner.get(k)),
    close: async () => undefined,
  };
  return { windows, inner, set: (m: typeof mode) => (mode = m) };
}

describe("withFallback", () => {
  it("answers from memory while the backend is down or hangs, logs the outage once and the recovery once", async () => {
    let t = 0;
    const shared = flaky(() => t);
    const log: string[] = [];
    const w = withFallback(shared.windows, "Redis", { warn: (m) => log.push(`warn ${m}`), info: (m) => log.push(`info ${m}`) }, { now: () => t, timeoutMs: 50 });
    // Another core's failures reach this one through the backend.
    await shared.inner.add("k", 60_000);
    expect(await w.add("k", 60_000)).toMatchObject({ count: 2 });
    shared.set("down");
    expect(await w.add("k", 60_000)).toMatchObject({ count: 2 }); // this process's own two
    expect(await w.add("k", 60_000)).toMatchObject({ count: 3 });
    // Within a second of the last failure the backend is not asked again: a hang costs nothing.
    shared.set("hang");
    let started = performance.now();
    expect(await w.get("k")).toMatchObject({ count: 3 });
    expect(performance.now() - started).toBeLessThan(20);
    // A second later it is asked, and its hang is cut at the timeout (50 ms here).
    t += 1_000;
    started = performance.now();
    expect(await w.get("k")).toMatchObject({ count: 3 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(log).toEqual(["warn Redis is unreachable for failed-login counts (connect ECONNREFUSED): counting in this process only until it is back"]);
    // Back: the worse of the two windows, so the failures counted alone keep their weight.
    shared.set("up");
    expect(await w.get("k")).toMatchObject({ count: 3 });
    expect(log).toHaveLength(1);
    t += 1_000;
    expect(await w.get("k")).toMatchObject({ count: 3 });
    expect(log).toEqual([expect.stringMatching(/^warn /), "info failed-login counts are shared through Redis again"]);
    expect(await w.get("other")).toBeNull();
  });
});
