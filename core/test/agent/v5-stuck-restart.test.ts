// A real Litestream 0.5.16 stuck on a replica that refuses writes (a newcomer's findings 1-3):
// 1. pendingSince (the oldest unreplicated change) stays put across the agent's restarts of Litestream:
//    on the old agent it reset a few seconds after each restart (lag "1 min 20 s" became 7.4 s).
// 2. The stuck error counts every restart and quotes when the last Litestream started (the old one said
//    "restarted 1 time(s)" after two, with the time the restart was decided, not when it happened).
// 3. With --no-restart-litestream the agent leaves a stuck Litestream alone and says restarts are off.
// The stuck window is shortened to 3 s (AgentDeps.stuck), the restart backoff to 3-6 s.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import type { TestAgent } from "./harness.ts";
import { useHarness } from "./use-harness.ts";
import { useHeldWrites } from "./held-writes.ts";
import { v5AgentProject } from "./v5-agent-project.ts";
import { refuseWrites } from "./refuse-writes.ts";

const h = useHarness();
const { writers, unblock } = useHeldWrites();

async function stuckV5(name: string, flags: { restartLitestream?: boolean } = {}) {
  const { file, replica, agent } = await v5AgentProject(h, name, { staleAfterSeconds: 600, heartbeatGraceSeconds: 15 }, { flags, deps: { stuck: { afterMs: 3000, maxBackoffMs: 6000 } } });
  const writer = await startSqliteWriter({ path: file, ratePerSecond: 5, durationMs: 90_000 });
  writers.push(writer);
  const replicaTxid = () => agent.agent.lastPayload()?.databases[0]?.replicas[0]?.position?.offset ?? 0;
  await waitFor(() => (replicaTxid() > 2 ? true : null), { timeoutMs: 30_000, what: "the replica to take writes" });
  const blocked = refuseWrites(path.join(replica, "ltx", "0"));
  unblock.push(blocked.undo);
  return { agent, writer, blocked };
}

const stuckError = (a: TestAgent) => a.agent.lastPayload()?.databases[0]?.errors.find((e) => e.startsWith("the replica position has not moved")) ?? null;

describe("agent on Litestream 0.5, replica stuck", () => {
  it("pendingSince stays put across Litestream restarts; the stuck error counts every restart and quotes the last", async () => {
    const { agent, writer, blocked } = await stuckV5("v5-stuck-restarts");
    const seen: Array<{ at: number; pendingSince: string | null; restarts: number }> = [];
    const deadline = Date.now() + 60_000;
    let doneAt: number | null = null;
    // Until two restarts have happened, and 5 s of samples after the second (when the old agent had reset it).
    while (Date.now() < deadline && (doneAt === null || Date.now() < doneAt + 5000)) {
      const restarts = agent.agent.supervisor!.status().restarts;
      seen.push({ at: Date.now(), pendingSince: agent.agent.lastPayload()?.databases[0]?.replicas[0]?.pendingSince ?? null, restarts });
      if (doneAt === null && restarts >= 2) doneAt = Date.now();
      await sleep(250);
    }
    expect(agent.agent.supervisor!.status().restarts).toBeGreaterThanOrEqual(2);
    const first = seen.findIndex((s) => s.pendingSince !== null);
    expect(first).toBeGreaterThanOrEqual(0);
    const after = seen.slice(first);
    const distinct = [...new Set(after.map((s) => s.pendingSince))];
    console.log(`[v5-stuck-restart] ${blocked.how}: pendingSince values after the first: ${distinct.join(", ")}; restarts ${agent.agent.supervisor!.status().restarts}`);
    expect(distinct).toEqual([after[0].pendingSince]);

    // Let one more heartbeat carry the figures of the supervisor as they are now.
    await agent.agent.heartbeatNow();
    const status = agent.agent.supervisor!.status();
    const message = stuckError(agent);
    expect(message).toContain(`Litestream restarted ${status.restarts} time(s), last at ${status.startedAt!.toISOString()}`);
    await writer.stop();
  }, 120_000);

  it("--no-restart-litestream: a stuck Litestream is reported and left running, the error says restarts are off", async () => {
    const { agent, writer } = await stuckV5("v5-stuck-norestart", { restartLitestream: false });
    const pid = agent.agent.supervisor!.status().pid;
    const message = await waitFor(() => stuckError(agent), { timeoutMs: 20_000, what: "the stuck error" });
    // Well past the window and the first backoff: the old agent restarted it by now.
    await sleep(9000);
    await agent.agent.heartbeatNow();
    expect(agent.agent.supervisor!.status().restarts).toBe(0);
    expect(agent.agent.supervisor!.status().pid).toBe(pid);
    expect(agent.logs.join("\n")).not.toMatch(/restarting litestream/);
    expect(message).toContain("restarts are off (--no-restart-litestream)");
    expect(stuckError(agent)).toContain("restarts are off (--no-restart-litestream)");
    await writer.stop();
  }, 90_000);
});
