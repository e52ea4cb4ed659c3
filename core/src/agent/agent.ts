// The agent: supervises (or observes) Litestream, samples the databases every
// few seconds, and every heartbeat interval reports what it saw to the core.
// This file wires the parts: litestream-runner.ts (Litestream and its log),
// managed-refresh.ts (replica settings from the core), sampler.ts (one sample),
// heartbeat-builder.ts over heartbeat-payload.ts (what a heartbeat says),
// heartbeat-loop.ts (when it is sent), timers.ts (timers that stop with the agent).
//
//   startAgent(settings: AgentSettings, deps?: AgentDeps): Promise<RunningAgent>
//   RunningAgent: stop() (Litestream gets SIGTERM and its final sync), heartbeatNow(), sampleNow(),
//                 supervisor, metricsAddr(), lastPayload(), queued()
//   jitter(ms, fraction = 0.1, random = Math.random): number   pure (timers.ts)
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { AgentConfigResponse, HeartbeatPayload } from "../protocol.ts";
import { fetchAgentConfig, postHeartbeat, type CallOutcome, type HeartbeatAnswer } from "./core-client.ts";
import { DatabaseWatch } from "./database-watch.ts";
import { HeartbeatLoop } from "./heartbeat-loop.ts";
import { CoreWatch, GRACE_INTERVALS } from "./core-watch.ts";
import { HeartbeatBuilder } from "./heartbeat-builder.ts";
import { openLitestream } from "./litestream-runner.ts";
import { createAgentLog, type AgentLog } from "./log.ts";
import { ManagedRefresh } from "./managed-refresh.ts";
import { Sampler } from "./sampler.ts";
import { HeartbeatSender } from "./sender.ts";
import type { AgentSettings } from "./settings.ts";
import type { LitestreamSupervisor } from "./supervisor.ts";
import { AgentTimers, jitter, serialQueue } from "./timers.ts";
import { WalGuard } from "./wal-guard.ts";

export { jitter };

export interface AgentDeps {
  log?: AgentLog;
  post?: (payload: HeartbeatPayload) => Promise<CallOutcome<HeartbeatAnswer>>;
  fetchConfig?: () => Promise<CallOutcome<AgentConfigResponse>>;
  /** Litestream restart backoff (tests shorten it). */
  backoff?: { initialMs: number; maxMs: number };
  queueCapacity?: number;
  /** How often row counts are refreshed when --count-rows is on (default 10 min). */
  countRowsEveryMs?: number;
  /** A replica that has not moved for afterMs while changes wait is stuck: Litestream is restarted, backing off up to maxBackoffMs (default 60 s, 10 min). */
  stuck?: { afterMs: number; maxBackoffMs: number };
}

export interface RunningAgent {
  settings: AgentSettings;
  supervisor: LitestreamSupervisor | null;
  agentId: string;
  metricsAddr(): string | null;
  lastPayload(): HeartbeatPayload | null;
  queued(): number;
  heartbeatNow(): Promise<void>;
  sampleNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAgent(settings: AgentSettings, deps: AgentDeps = {}): Promise<RunningAgent> {
  const watches = settings.databases.map((d) => new DatabaseWatch(d, settings.litestreamVersion));
  const secrets = () => {
    const out: string[] = [settings.token];
    for (const w of watches) for (const r of w.replicas) if (r.type === "s3" && r.credentials) out.push(r.credentials.secretAccessKey, r.credentials.sessionToken ?? "");
    return out;
  };
  const log = deps.log ?? createAgentLog({ level: settings.logLevel, secrets });
  const agentId = `${os.hostname().slice(0, 80)}-${randomBytes(4).toString("hex")}`;
  const timers = new AgentTimers();
  const serial = serialQueue();
  let intervalMs = settings.heartbeatIntervalSeconds * 1000;
  const interval = () => intervalMs;
  const walGuard = new WalGuard((file, message) => log.debug("no WAL guard on the database", { file, error: message }));

  const litestream = await openLitestream({ settings, watches, log, backoff: deps.backoff });
  const managedWatches = watches.filter((w) => w.setting.replicas.length === 0);
  const managed = new ManagedRefresh({
    watches: managedWatches,
    fetchConfig: deps.fetchConfig ?? (() => fetchAgentConfig(settings.server, settings.token)),
    intervalExplicit: settings.intervalExplicit,
    intervalMs: interval,
    setIntervalMs: (ms) => (intervalMs = ms),
    onTargets: () => litestream.start(),
    timers,
    log,
  });
  const sampler = new Sampler({ settings, watches, litestream, walGuard, log, intervalMs: interval, stuck: deps.stuck });
  const sample = (forceStorage: boolean) => serial(() => sampler.sample(forceStorage));

  const builder = new HeartbeatBuilder({
    settings,
    watches,
    litestream,
    sampler,
    managed,
    agentId,
    intervalMs: interval,
    secrets,
    countRowsEveryMs: deps.countRowsEveryMs,
  });

  const sender = new HeartbeatSender({
    post: deps.post ?? ((p) => postHeartbeat(settings.server, settings.token, p)),
    log,
    capacity: deps.queueCapacity,
    maxRetryMs: intervalMs,
  });
  const heartbeats = new HeartbeatLoop({
    sender,
    timers,
    intervalMs: interval,
    statusFile: settings.statusFile,
    log,
    // The project's grace once the core has named it, else GRACE_INTERVALS intervals (core-watch.ts).
    coreWatch: new CoreWatch(log, () => (sender.coreGraceSeconds ?? 0) * 1000 || GRACE_INTERVALS * intervalMs, settings.server),
    next: async () => {
      await sample(true);
      return serial(() => builder.build());
    },
  });
  const sampleLoop = () => {
    void sample(false)
      .catch((err) => log.error("sample failed", { error: (err as Error).message }))
      .finally(() => timers.later(jitter(settings.sampleIntervalSeconds * 1000), sampleLoop));
  };

  log.info("borela agent starting", {
    mode: settings.mode,
    server: settings.server,
    databases: settings.databases.map((d) => `${d.name}=${d.path}`).join(","),
    intervalSeconds: intervalMs / 1000,
    litestream: litestream.version ?? "missing",
  });
  await serial(async () => {
    for (const w of watches) await w.observeFile(new Date());
  });
  // Held before Litestream starts and released after it exits: see wal-guard.ts.
  await walGuard.hold(watches.map((w) => w.path));
  if (managedWatches.length > 0) await managed.refresh();
  // The first refresh may have started Litestream already (onTargets): a second start would restart it at once.
  if (!litestream.running()) await litestream.start();
  timers.later(jitter(settings.sampleIntervalSeconds * 1000), sampleLoop);
  heartbeats.start(Math.min(1000, intervalMs));

  return {
    settings,
    supervisor: litestream.supervisor,
    agentId,
    metricsAddr: () => litestream.metricsAddr,
    lastPayload: () => heartbeats.lastPayload,
    queued: () => sender.queued,
    heartbeatNow: () => heartbeats.beat(),
    sampleNow: () => sample(false),
    async stop() {
      if (timers.stopped) return;
      timers.stop();
      await litestream.supervisor?.stop();
      walGuard.release();
      await heartbeats.settled();
      log.info("borela agent stopped");
    },
  };
}
