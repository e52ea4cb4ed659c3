// Delivers heartbeats oldest-first. The core down (network, 5xx, 429): keep them
// queued (bounded) and retry with backoff, so the history has no hole when it is
// back. The token rejected (401/403): say so once per change, keep only the newest,
// retry at the normal interval. Never blocks Litestream: this is only the monitor.
//
//   new HeartbeatSender(options: SenderOptions)
//   enqueue(payload) · flush(): Promise<FlushResult> · retryDelayMs(): number · queued · dropped
import type { HeartbeatPayload } from "../protocol.ts";
import type { CallOutcome, HeartbeatAnswer } from "./core-client.ts";
import { HeartbeatQueue } from "./heartbeat-queue.ts";
import type { AgentLog } from "./log.ts";
import { nextBackoffMs } from "./supervisor.ts";

export interface SenderOptions {
  post(payload: HeartbeatPayload): Promise<CallOutcome<HeartbeatAnswer>>;
  log: AgentLog;
  capacity?: number;
  /** Longest wait between retries (the heartbeat interval). */
  maxRetryMs: number;
  /** Upper bound on heartbeats sent by one flush, so a long backlog drains over several calls. */
  maxPerFlush?: number;
}

export type FlushResult =
  | { outcome: "empty" | "sent"; sent: number }
  | { outcome: "retry" | "rejected"; sent: number; message: string };

export class HeartbeatSender {
  private readonly queue: HeartbeatQueue<HeartbeatPayload>;
  private failures = 0;
  private rejectedMessage: string | null = null;
  private lastRetryMessage: string | null = null;
  /** The project's heartbeat grace (s) as the core last answered it; null until a core names one. */
  coreGraceSeconds: number | null = null;

  constructor(private readonly options: SenderOptions) {
    this.queue = new HeartbeatQueue(options.capacity ?? 1000);
  }

  get queued(): number {
    return this.queue.size;
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  enqueue(payload: HeartbeatPayload): void {
    const before = this.queue.dropped;
    this.queue.push(payload);
    if (this.queue.dropped > before && this.queue.dropped % 100 === 1) {
      this.options.log.warn("heartbeat queue full: dropping the oldest unsent heartbeats", { capacity: this.queue.capacity, dropped: this.queue.dropped });
    }
  }

  /** Backoff before the next retry after a failed flush: 1 s, 2 s, 4 s… up to maxRetryMs. */
  retryDelayMs(): number {
    return nextBackoffMs(Math.max(1, this.failures), 1000, this.options.maxRetryMs);
  }

  async flush(): Promise<FlushResult> {
    let sent = 0;
    const max = this.options.maxPerFlush ?? 200;
    while (sent < max) {
      const next = this.queue.peek();
      if (!next) return { outcome: sent ? "sent" : "empty", sent };
      const result = await this.options.post(next);
      if (result.kind === "ok") {
        if (result.value) this.coreGraceSeconds = result.value.heartbeatGraceSeconds;
        this.queue.shift();
        sent++;
        this.recovered();
        continue;
      }
      if (result.kind === "invalid") {
        // A payload the core refuses will never be accepted: drop it, keep the rest moving.
        this.queue.shift();
        this.options.log.error("core refused a heartbeat as invalid; dropped it", { status: result.status, message: result.message, sequence: next.sequence });
        continue;
      }
      if (result.kind === "rejected") {
        this.failures = 0;
        if (this.rejectedMessage !== result.message) {
          this.options.log.error("core rejected the agent token: heartbeats are not recorded (Litestream keeps replicating); check BORELA_AGENT_TOKEN", {
            status: result.status,
            message: result.message,
          });
        }
        this.rejectedMessage = result.message;
        this.queue.keepNewest();
        return { outcome: "rejected", sent, message: `agent token rejected by the core (${result.message})` };
      }
      this.failures++;
      if (this.lastRetryMessage !== result.message) {
        this.options.log.warn("core unreachable; heartbeats queued and retried", { message: result.message, queued: this.queue.size });
      }
      this.lastRetryMessage = result.message;
      return { outcome: "retry", sent, message: `core unreachable: ${result.message}` };
    }
    return { outcome: "sent", sent };
  }

  private recovered(): void {
    if (this.rejectedMessage) this.options.log.info("core accepts the agent token again");
    if (this.lastRetryMessage) this.options.log.info("core reachable again; sending queued heartbeats", { queued: this.queue.size });
    this.rejectedMessage = null;
    this.lastRetryMessage = null;
    this.failures = 0;
  }
}
