import { describe, expect, it } from "vitest";
import type { CallOutcome } from "../../src/agent/core-client.ts";
import { HeartbeatQueue } from "../../src/agent/heartbeat-queue.ts";
import { createAgentLog } from "../../src/agent/log.ts";
import { HeartbeatSender } from "../../src/agent/sender.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";

const hb = (sequence: number): HeartbeatPayload => ({ agentVersion: "t", sentAt: new Date(1_800_000_000_000 + sequence * 1000).toISOString(), sequence, databases: [], errors: [] });

function logCapture() {
  const lines: string[] = [];
  return { lines, log: createAgentLog({ level: "debug", write: (l) => lines.push(l) }) };
}

describe("HeartbeatQueue", () => {
  it("keeps order and drops the oldest beyond its capacity", () => {
    const q = new HeartbeatQueue<number>(3);
    for (let i = 0; i < 5; i++) q.push(i);
    expect(q.toArray()).toEqual([2, 3, 4]);
    expect(q.dropped).toBe(2);
    expect(q.shift()).toBe(2);
    q.keepNewest();
    expect(q.toArray()).toEqual([4]);
    expect(() => new HeartbeatQueue(0)).toThrow(/capacity 0/);
  });
});

describe("HeartbeatSender", () => {
  it("delivers what queued during an outage oldest-first, each with its own sentAt and sequence", async () => {
    let up = false;
    const delivered: HeartbeatPayload[] = [];
    const { log } = logCapture();
    const sender = new HeartbeatSender({
      log,
      maxRetryMs: 30_000,
      post: async (p): Promise<CallOutcome<null>> => {
        if (!up) return { kind: "retry", status: null, message: "ECONNREFUSED" };
        delivered.push(p);
        return { kind: "ok", status: 201, value: null };
      },
    });
    for (let i = 0; i < 5; i++) {
      sender.enqueue(hb(i));
      expect(await sender.flush()).toMatchObject({ outcome: "retry" });
    }
    expect(sender.queued).toBe(5);
    expect(sender.retryDelayMs()).toBe(16_000);
    up = true;
    sender.enqueue(hb(5));
    expect(await sender.flush()).toEqual({ outcome: "sent", sent: 6 });
    expect(delivered.map((p) => p.sequence)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(delivered.map((p) => p.sentAt)).toEqual([0, 1, 2, 3, 4, 5].map((i) => hb(i).sentAt));
    expect(sender.retryDelayMs()).toBe(1000);
  });

  it("stays bounded when the outage outlasts the queue", async () => {
    const { log } = logCapture();
    const sender = new HeartbeatSender({ log, maxRetryMs: 1000, capacity: 10, post: async () => ({ kind: "retry", status: 503, message: "HTTP 503" }) });
    for (let i = 0; i < 25; i++) sender.enqueue(hb(i));
    expect(sender.queued).toBe(10);
    expect(sender.dropped).toBe(15);
    expect(sender.retryDelayMs()).toBeLessThanOrEqual(1000);
  });

  it("logs a rejected token once per change and keeps only the newest heartbeat", async () => {
    const { log, lines } = logCapture();
    let answer: CallOutcome<null> = { kind: "rejected", status: 401, message: "HTTP 401: token revoked" };
    const sender = new HeartbeatSender({ log, maxRetryMs: 1000, post: async () => answer });
    for (let i = 0; i < 3; i++) {
      sender.enqueue(hb(i));
      expect(await sender.flush()).toMatchObject({ outcome: "rejected", message: expect.stringContaining("token revoked") });
    }
    expect(lines.filter((l) => l.includes("rejected the agent token"))).toHaveLength(1);
    expect(sender.queued).toBe(1);
    answer = { kind: "rejected", status: 403, message: "HTTP 403: other project" };
    await sender.flush();
    expect(lines.filter((l) => l.includes("rejected the agent token"))).toHaveLength(2);
    answer = { kind: "ok", status: 201, value: null };
    expect(await sender.flush()).toEqual({ outcome: "sent", sent: 1 });
    expect(lines.some((l) => l.includes("accepts the agent token again"))).toBe(true);
  });

  it("drops a heartbeat the core calls invalid and sends the next", async () => {
    const { log, lines } = logCapture();
    const sent: number[] = [];
    const sender = new HeartbeatSender({
      log,
      maxRetryMs: 1000,
      post: async (p) => (p.sequence === 1 ? { kind: "invalid", status: 400, message: "HTTP 400: bad" } : (sent.push(p.sequence!), { kind: "ok", status: 201, value: null })),
    });
    [0, 1, 2].forEach((i) => sender.enqueue(hb(i)));
    await sender.flush();
    expect(sent).toEqual([0, 2]);
    expect(lines.some((l) => l.includes("refused a heartbeat as invalid"))).toBe(true);
  });
});
