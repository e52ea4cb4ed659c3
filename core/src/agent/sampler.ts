// One sample of every watched database, every few seconds and before each
// heartbeat: the shadow WAL position, Litestream's metrics, the database file,
// the replicas in storage when that is needed, then the pending, stuck and
// outside-write checks of each DatabaseWatch, and restarts of Litestream they call for.
//
//   new Sampler(options: SamplerOptions)
//   sample(forceStorage: boolean): Promise<void>   forceStorage: read every replica's storage now (heartbeats do)
//   metrics: LitestreamMetrics | null   the last read (null: not running, no addr, or the read failed)
//   metricsError: string | null          why the last read failed
//   restartDecision(stuck: string[], writable: string[]): RestartDecision | null   pure; replica URLs in, why to restart out
import { fetchLitestreamMetrics, type LitestreamMetrics } from "../litestream/metrics.ts";
import type { DatabaseWatch } from "./database-watch.ts";
import type { LitestreamRunner } from "./litestream-runner.ts";
import type { AgentLog } from "./log.ts";
import { outsideWriteWindowMs } from "./outside-write.ts";
import type { AgentSettings } from "./settings.ts";
import type { WalGuard } from "./wal-guard.ts";

export interface SamplerOptions {
  settings: AgentSettings;
  watches: DatabaseWatch[];
  litestream: LitestreamRunner;
  walGuard: WalGuard;
  log: AgentLog;
  /** The heartbeat interval now (ms): bounds a storage read. */
  intervalMs: () => number;
  /** See AgentDeps.stuck (ms). */
  stuck?: { afterMs: number; maxBackoffMs: number };
}

export interface RestartDecision {
  reason: string;
  warning: string;
  replicas: string;
}

/** A replica directory writable again comes first: 0.3.13 does not resume by itself. */
export function restartDecision(stuck: string[], writable: string[]): RestartDecision | null {
  if (writable.length > 0) {
    const replicas = writable.join(", ");
    return { reason: `replica writable again: ${replicas}`, warning: "replica directory writable again while changes wait: restarting Litestream", replicas };
  }
  if (stuck.length > 0) {
    const replicas = stuck.join(", ");
    return { reason: `replica stuck: ${replicas}`, warning: "replica not moving while changes wait: restarting Litestream", replicas };
  }
  return null;
}

/**
 * A Litestream on loopback answers in milliseconds; a frozen one (SIGSTOP) accepts the connection and never
 * answers. Each sample then costs at most this, so heartbeats keep their schedule.
 */
export const METRICS_TIMEOUT_MS = 750;

export class Sampler {
  metrics: LitestreamMetrics | null = null;
  metricsError: string | null = null;
  private readonly loggedProblems = new Set<string>();

  constructor(private readonly options: SamplerOptions) {}

  private async readMetrics(): Promise<LitestreamMetrics | null> {
    const { litestream } = this.options;
    if (!litestream.metricsAddr || litestream.running() === false) {
      this.metrics = null;
      return null;
    }
    try {
      this.metrics = await fetchLitestreamMetrics(litestream.metricsAddr, METRICS_TIMEOUT_MS);
      this.metricsError = null;
    } catch (err) {
      this.metrics = null;
      this.metricsError = (err as Error).message;
    }
    return this.metrics;
  }

  async sample(forceStorage: boolean): Promise<void> {
    const { settings, watches, litestream, walGuard, log, stuck } = this.options;
    const now = new Date();
    const sampleMs = settings.sampleIntervalSeconds * 1000;
    // Shadow WAL first, metrics second: a replica read after the database can only look further along, never falsely behind.
    for (const w of watches) await w.observeShadow();
    const metrics = await this.readMetrics();
    if (metrics) litestream.noteMetrics(metrics);
    await walGuard.hold(watches.map((w) => w.path));
    for (const w of watches) {
      const changed = await w.observeFile(now);
      const live = metrics?.databases.get(w.path) ?? null;
      // Without a live view, storage is the only evidence: read it when something changed.
      // Litestream 0.5 reports no replica position: its newest LTX file is read while the database's TXID is ahead of it
      // (an idle, caught-up database costs no storage request between heartbeats).
      const readStorage = forceStorage || w.txidAhead(live) || (!live && (changed || w.anyPending()));
      if (readStorage) {
        await w.readStorage({ timeoutMs: Math.min(10_000, this.options.intervalMs()) });
        litestream.noteReplicaTxids(w.storedTxids());
      }
      w.step(now, changed, live, readStorage, {
        litestreamRunning: litestream.running() ?? metrics !== null,
        stuckAfterMs: stuck?.afterMs ?? 60_000,
        maxRestartBackoffMs: stuck?.maxBackoffMs ?? 600_000,
        outsideWriteWindowMs: outsideWriteWindowMs(sampleMs),
      });
      await w.probeReplicas(now, sampleMs);
      const problem = w.identityProblem();
      if (problem && !this.loggedProblems.has(problem)) {
        this.loggedProblems.add(problem);
        log.error(problem);
      }
    }
    const decision = restartDecision(
      watches.flatMap((w) => w.stuckRestarts()),
      watches.flatMap((w) => w.probeRestarts()),
    );
    // --no-restart-litestream: a stuck Litestream is reported (stuck.ts says restarts are off), never killed or restarted.
    if (litestream.supervisor && decision && settings.restartLitestream) {
      log.warn(decision.warning, { replicas: decision.replicas });
      litestream.restart(decision.reason);
    }
  }
}
