// Issue 18: event-loop health measured. A stall shows in /healthz?details=true and in a warn line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { figures, stalled, startEventLoopMonitor, type EventLoopFigures } from "../../src/server/event-loop-health.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";

const block = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* a synchronous stall, as a long Prisma read or cron loop was */
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("event-loop figures (pure)", () => {
  it("converts a histogram's nanoseconds to milliseconds and flags stalls over the threshold", () => {
    const h = { count: 3, max: 250_000_000, percentile: (p: number) => (p === 50 ? 10_500_000 : 99_990_000) };
    expect(figures(h, 300_000_000, 10)).toEqual({ p50Ms: 10.5, p99Ms: 99.99, maxMs: 250, maxSinceStartMs: 300, windowSeconds: 10 });
    expect(figures({ count: 0, max: 0, percentile: () => 0 }, 0, 10)).toMatchObject({ p50Ms: 0, p99Ms: 0, maxMs: 0 });
    expect(stalled(250, 200)).toBe(true);
    expect(stalled(200, 200)).toBe(false);
  });
});

describe("event-loop monitor", () => {
  it("warns for the window whose longest stall passed the threshold, and forgets it windows later", async () => {
    const warnings: { fields: EventLoopFigures; message: string }[] = [];
    const monitor = startEventLoopMonitor((fields, message) => warnings.push({ fields, message }), { thresholdMs: 150, windowMs: 600 });
    try {
      await sleep(100);
      block(300);
      await sleep(700);
      // (Other processes on a loaded machine may add small stalls of their own: look for ours.)
      const ours = warnings.filter((w) => w.fields.maxMs >= 250);
      expect(ours.length, JSON.stringify(warnings)).toBe(1);
      expect(ours[0].message).toMatch(/^event loop stalled \d+(\.\d+)? ms within 0.6 s \(threshold 150 ms\)$/);
      expect(monitor.figures().maxSinceStartMs).toBeGreaterThanOrEqual(250);
      // Two windows later the window figures no longer hold it; the since-start maximum does.
      await sleep(1_300);
      expect(monitor.figures().maxMs).toBeLessThan(ours[0].fields.maxMs);
      expect(monitor.figures().maxSinceStartMs).toBeGreaterThanOrEqual(250);
    } finally {
      monitor.stop();
    }
  });
});

describe("/healthz details", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
  });
  afterAll(async () => {
    await core?.close();
  });

  it("answers {ok: true} plainly and the event-loop figures when asked", async () => {
    expect((await core.api("GET", "/healthz", { token: null })).body).toEqual({ ok: true });
    block(250);
    const res = await core.api("GET", "/healthz?details=true", { token: null });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    const loop = res.body.details.eventLoop;
    expect(loop).toEqual({ p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number), maxSinceStartMs: expect.any(Number), windowSeconds: 10 });
    expect(loop.maxMs).toBeGreaterThanOrEqual(200);
    expect(loop.p50Ms).toBeLessThanOrEqual(loop.p99Ms);
    expect((await core.api("GET", "/healthz?details=perhaps", { token: null })).status).toBe(400);
  });
});
