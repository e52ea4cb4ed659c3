// A frozen Litestream (SIGSTOP) accepts the metrics connection and never answers (a newcomer's finding 6):
// on the old agent each sample waited 2 s for metrics, and the heartbeat counted its interval from the end of
// the previous one, so heartbeats came every ~2x the interval. Now a sample costs at most one short metrics
// timeout and heartbeats keep their schedule. Real Litestream 0.5, real core on loopback.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postHeartbeat } from "../../src/agent/core-client.ts";
import { nextBeatDelayMs } from "../../src/agent/heartbeat-loop.ts";
import { METRICS_TIMEOUT_MS } from "../../src/agent/sampler.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { seededDatabase } from "../drills/fixtures.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { runAgent, startHarness, type Harness, type TestAgent } from "./harness.ts";

let h: Harness;
const agents: TestAgent[] = [];
const frozen: number[] = [];
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  for (const pid of frozen) {
    try {
      process.kill(pid, "SIGCONT");
    } catch {
      // already gone
    }
  }
  for (const a of agents) await a.stop().catch(() => undefined);
  await h?.close();
});

describe("nextBeatDelayMs", () => {
  it("counts the interval from the start of the previous heartbeat", () => {
    expect(nextBeatDelayMs(5000, 0)).toBe(5000);
    expect(nextBeatDelayMs(5000, 2100)).toBe(2900);
    expect(nextBeatDelayMs(5000, 7000)).toBe(0);
    expect(nextBeatDelayMs(5000, -3)).toBe(5000);
  });
});

describe("agent beside a frozen Litestream 0.5", () => {
  it("keeps its heartbeat schedule; a sample waits at most one short metrics timeout", async () => {
    const intervalSeconds = 2;
    const p = await h.core.createProject("frozen", { staleAfterSeconds: 600, heartbeatGraceSeconds: 15 });
    const file = seededDatabase(path.join(h.dir.path, "frozen"));
    const posts: number[] = [];
    const agent = await runAgent({
      server: h.core.url,
      token: p.agentToken,
      databases: [file],
      replicaUrl: `file://${path.join(h.dir.path, "frozen-replica")}`,
      dir: h.dir.path,
      intervalSeconds,
      env: { BORELA_LITESTREAM_VERSION: "0.5" },
      flags: { restartLitestream: false },
      deps: {
        post: (payload: HeartbeatPayload) => {
          posts.push(Date.now());
          return postHeartbeat(h.core.url, p.agentToken, payload);
        },
      },
    });
    agents.push(agent);
    await waitFor(() => ((agent.agent.lastPayload()?.databases[0]?.replicas[0]?.position?.offset ?? 0) > 0 ? true : null), { timeoutMs: 30_000, what: "a first backup" });

    const pid = agent.agent.supervisor!.status().pid!;
    process.kill(pid, "SIGSTOP");
    frozen.push(pid);
    const t0 = Date.now();
    const before = posts.length;
    await sleep(16_000);
    const during = posts.filter((t) => t >= t0);
    const t1 = Date.now();
    await agent.agent.sampleNow();
    const sampleMs = Date.now() - t1;
    process.kill(pid, "SIGCONT");

    const gaps = during.slice(1).map((t, i) => t - during[i]);
    const meanGap = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
    console.log(`[frozen-litestream] heartbeats while frozen: ${during.length} in 16 s (before: ${before}); mean gap ${meanGap.toFixed(0)} ms, max ${Math.max(...gaps)} ms; one sample ${sampleMs} ms (timeout ${METRICS_TIMEOUT_MS} ms)`);
    // Metrics really timed out: the frozen process was asked and did not answer.
    expect(agent.agent.lastPayload()!.databases[0].notes!.join("\n")).toMatch(new RegExp(`Litestream metrics unavailable: .*no answer within ${METRICS_TIMEOUT_MS} ms`));
    // Its own metrics timeout, and at most one more when it queued behind a sample under way (the old agent: 4.3 s).
    // The slack is for a loaded CI machine (1,855 ms seen with 300 ms of slack); the old agent stays well above it.
    expect(sampleMs).toBeLessThan(2 * METRICS_TIMEOUT_MS + 1000);
    // Interval 2 s with ±10% jitter: at least 6 heartbeats in 16 s (the old agent sent ~3-4), mean gap near the interval.
    expect(during.length).toBeGreaterThanOrEqual(6);
    expect(meanGap).toBeLessThan(intervalSeconds * 1000 * 1.1 + 400);
  }, 90_000);
});
