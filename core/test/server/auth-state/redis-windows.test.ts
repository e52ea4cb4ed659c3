// Issue 20 item 2: failed-login counts shared through a real redis-server (two instances stand for two core
// processes), and what happens when Redis is down: each process counts alone (never unlimited guesses, never
// an owner locked out), logged once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { redisWindows } from "../../../src/server/auth-state/redis-windows.ts";
import { withFallback } from "../../../src/server/auth-state/fallback.ts";
import { createAuthFailures } from "../../../src/server/failure-limiter.ts";
import type { FailureWindows } from "../../../src/server/auth-state/windows.ts";
import { startRedis, type RedisServer } from "../../support/redis.ts";
import { sharedWindowsContract } from "./window-contract.ts";

let redis: RedisServer;
const opened: FailureWindows[] = [];
function open(prefix: string) {
  const w = redisWindows(redis.url, prefix);
  opened.push(w);
  return w;
}

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterAll(async () => {
  await Promise.all(opened.map((w) => w.close()));
  await redis?.stop();
});

describe("failure windows in Redis", () => {
  it("two instances share counts, blocks, expiry, pressure and cooling", async () => {
    await sharedWindowsContract(open("test:contract:"), open("test:contract:"));
  });

  it("keys are prefixed, cut to 100 characters, and every one expires", async () => {
    const w = open("test:keys:");
    await w.add("a".repeat(500), 60_000);
    await w.add("fail:10.0.0.1", 60_000);
    const raw = new Redis(redis.url);
    try {
      const keys = (await raw.keys("*")).filter((k) => k.startsWith("test:keys:")).sort();
      expect(keys).toEqual([`test:keys:${"a".repeat(100)}`, "test:keys:fail:10.0.0.1"]);
      for (const k of keys) expect(await raw.pttl(k)).toBeGreaterThan(0);
    } finally {
      raw.disconnect();
    }
  });

  it("Redis down: each process counts alone, so guesses stay limited, other addresses are free, and it is logged once", async () => {
    const down = await startRedis();
    const warnings: string[] = [];
    const windows = withFallback(redisWindows(down.url, "test:down:"), "Redis", { warn: (m) => warnings.push(m), info: () => undefined });
    opened.push(windows);
    const failures = createAuthFailures(3, windows);
    await failures.fail("10.0.0.1");
    expect(warnings).toEqual([]);
    await down.stop();
    const started = performance.now();
    for (let i = 0; i < 5; i++) await failures.fail("10.0.0.1");
    expect(await failures.blockedFor("10.0.0.1")).toBeGreaterThan(55_000);
    expect(await failures.blockedFor("10.0.0.2")).toBe(0);
    // Refused at once (no offline queue), not after a timeout per failure.
    expect(performance.now() - started).toBeLessThan(500);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Redis is unreachable for failed-login counts \(.+\): counting in this process only until it is back$/);
    expect(warnings[0]).not.toContain(down.url);
  });
});
