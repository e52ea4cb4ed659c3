// The heartbeat schedule: a heartbeat every interval (with jitter), each one
// queued in the HeartbeatSender and flushed; a failed flush is retried with the
// sender's backoff (at most the interval), a backlog drains right away. After
// each flush the status file says how the last send went.
//
//   new HeartbeatLoop(options: HeartbeatLoopOptions)
//   start(firstMs): void          the first heartbeat after firstMs (ms), then every jitter(intervalMs()) counted
//                                 from the start of the previous one (nextBeatDelayMs, pure)
//   beat(): Promise<void>         one heartbeat now: next(), queued, flushed; rejects when next() does
//   lastPayload: HeartbeatPayload | null
//   settled(): Promise<void>      waits for a heartbeat of the loop under way (never rejects)
import type { HeartbeatPayload } from "../protocol.ts";
import type { AgentLog } from "./log.ts";
import type { HeartbeatSender } from "./sender.ts";
import { agentStatus, writeStatusFile } from "./status-file.ts";
import type { CoreOutcome, CoreWatch } from "./core-watch.ts";
import { jitter, type AgentTimers } from "./timers.ts";

export interface HeartbeatLoopOptions {
  sender: HeartbeatSender;
  timers: AgentTimers;
  /** The heartbeat interval now (ms): the core may change it in managed mode. */
  intervalMs: () => number;
  statusFile: string;
  log: AgentLog;
  /** Samples and builds the next heartbeat. */
  next: () => Promise<HeartbeatPayload>;
  /** Told of every flush: logs and marks a core unreachable past the grace (core-watch.ts). */
  coreWatch?: CoreWatch;
}

const CORE_OUTCOME: Record<string, CoreOutcome> = { sent: "reachable", rejected: "reachable", retry: "unreachable", empty: "unknown" };

/**
 * The wait (ms) before the next heartbeat: the interval counts from the start of the previous one, so time
 * spent sampling and sending (a frozen Litestream's metrics timeout, a slow core) does not stretch it.
 */
export function nextBeatDelayMs(intervalMs: number, spentMs: number): number {
  return Math.max(0, intervalMs - Math.max(0, spentMs));
}

export class HeartbeatLoop {
  lastPayload: HeartbeatPayload | null = null;
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: HeartbeatLoopOptions) {}

  start(firstMs: number): void {
    this.options.timers.later(firstMs, () => this.loop());
  }

  async beat(): Promise<void> {
    const payload = await this.options.next();
    this.lastPayload = payload;
    this.options.sender.enqueue(payload);
    await this.flush();
  }

  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private loop(): void {
    const startedAt = Date.now();
    this.running = this.beat()
      .catch((err) => this.options.log.error("heartbeat failed", { error: (err as Error).stack ?? String(err) }))
      .finally(() => {
        this.running = null;
        this.options.timers.later(nextBeatDelayMs(jitter(this.options.intervalMs()), Date.now() - startedAt), () => this.loop());
      });
  }

  /** One flush at a time, or the head of the queue could be sent twice. */
  private flush(): Promise<void> {
    const once = () => this.flushOnce();
    return (this.flushing = this.flushing.then(once, once));
  }

  private async flushOnce(): Promise<void> {
    const { sender, timers, statusFile, log } = this.options;
    const result = await sender.flush();
    const now = new Date();
    const unreachable = this.options.coreWatch?.observe(CORE_OUTCOME[result.outcome], now) ?? null;
    const status = agentStatus(now, "message" in result ? result.message : null, this.lastPayload?.databases ?? [], unreachable);
    await writeStatusFile(statusFile, status).catch((err) => log.warn("cannot write the status file", { file: statusFile, error: (err as Error).message }));
    timers.cancel(this.retryTimer);
    this.retryTimer = null;
    if (result.outcome === "retry" || (result.outcome === "sent" && sender.queued > 0)) {
      const delay = result.outcome === "sent" ? 0 : Math.min(sender.retryDelayMs(), this.options.intervalMs());
      this.retryTimer = timers.later(delay, () => void this.flush());
    }
  }
}
