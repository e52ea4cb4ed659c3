// The agent: supervises (or observes) Litestream, samples the databases every
// few seconds, and every heartbeat interval reports what it saw to the core.
//
//   startAgent(settings: AgentSettings, deps?: AgentDeps): Promise<RunningAgent>
//   RunningAgent: stop() (Litestream gets SIGTERM and its final sync), heartbeatNow(), sampleNow(),
//                 supervisor, metricsAddr(), lastPayload(), queued()
//   jitter(ms, fraction = 0.1, random = Math.random): number   pure
import { randomBytes } from "node:crypto";
import os from "node:os";
import { litestreamVersion, resolveLitestreamBinFor } from "../litestream/binary.ts";
import { litestream05Env } from "../litestream/env05.ts";
import { writeLitestreamConfig } from "../litestream/config.ts";
import { fetchLitestreamMetrics, type LitestreamMetrics } from "../litestream/metrics.ts";
import type { ReplicaTarget } from "../litestream/replica-url.ts";
import type { AgentConfigResponse, HeartbeatPayload } from "../protocol.ts";
import pkg from "../../package.json" with { type: "json" };
import { fetchAgentConfig, postHeartbeat, type CallOutcome } from "./core-client.ts";
import { containerChecks } from "./container-checks.ts";
import { DatabaseWatch } from "./database-watch.ts";
import { applyFinding, applyMetrics, classifyLogLine, currentErrors, emptyBoard, replicaKey, restartBoard, type ErrorBoard } from "./log-errors.ts";
import { createAgentLog, type AgentLog } from "./log.ts";
import { withDatabasePath } from "./log-db.ts";
import { redactSecrets } from "./redact.ts";
import { litestreamHealth } from "./litestream-health.ts";
import { credentialRefreshDelayMs, managedTargets, NO_STORAGE_ERROR, sameTargets } from "./managed.ts";
import { freeLoopbackPort } from "./port.ts";
import { HeartbeatSender } from "./sender.ts";
import type { AgentSettings } from "./settings.ts";
import { agentStatus, writeStatusFile } from "./status-file.ts";
import { outsideWriteWindowMs } from "./outside-write.ts";
import { LitestreamSupervisor } from "./supervisor.ts";
import { WalGuard } from "./wal-guard.ts";

export interface AgentDeps {
  log?: AgentLog;
  post?: (payload: HeartbeatPayload) => Promise<CallOutcome<null>>;
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

const AGENT_VERSION: string = pkg.version;

export function jitter(ms: number, fraction = 0.1, random = Math.random): number {
  return Math.max(1, Math.round(ms * (1 - fraction + 2 * fraction * random())));
}

export async function startAgent(settings: AgentSettings, deps: AgentDeps = {}): Promise<RunningAgent> {
  const secrets = () => {
    const out: string[] = [settings.token];
    for (const w of watches) for (const r of w.replicas) if (r.type === "s3" && r.credentials) out.push(r.credentials.secretAccessKey, r.credentials.sessionToken ?? "");
    return out;
  };
  const log = deps.log ?? createAgentLog({ level: settings.logLevel, secrets });
  const agentId = `${os.hostname().slice(0, 80)}-${randomBytes(4).toString("hex")}`;
  const watches = settings.databases.map((d) => new DatabaseWatch(d, settings.litestreamVersion));
  const observe = settings.mode === "observe";
  const agentErrors = new Map<string, string>();
  let intervalMs = settings.heartbeatIntervalSeconds * 1000;
  let sequence = 0;
  let stopped = false;
  let board: ErrorBoard = emptyBoard();
  let metricsAddr: string | null = observe ? (settings.litestreamConfig?.addr ?? null) : null;
  let lastMetrics: LitestreamMetrics | null = null;
  let metricsError: string | null = null;
  let lastPayload: HeartbeatPayload | null = null;
  let managed: Map<string, ReplicaTarget> | null = null;
  let managedStorageMissing = false;
  /** Files found replaced, for a note once Litestream was restarted on the new file. */
  const replaced = new Map<string, { message: string; at: Date }>();
  const loggedProblems = new Set<string>();
  const walGuard = new WalGuard((file, message) => log.debug("no WAL guard on the database", { file, error: message }));
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
    return t;
  };

  // One step at a time: samples and heartbeats share the watches.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  let bin: string | null = null;
  let version: string | null = null;
  try {
    bin = resolveLitestreamBinFor(settings.litestreamVersion, settings.litestreamBin);
    version = await litestreamVersion(bin);
  } catch (err) {
    if (!observe) agentErrors.set("litestream", (err as Error).message);
    log.error("litestream unavailable", { error: (err as Error).message });
  }

  // ---- Litestream: supervised child, or observed from outside --------------------------
  const readyWatches = () => watches.filter((w) => w.replicas.length > 0);
  const supervisor =
    observe || !bin
      ? null
      : new LitestreamSupervisor({
          bin,
          restart: settings.restartLitestream,
          log,
          initialBackoffMs: deps.backoff?.initialMs,
          maxBackoffMs: deps.backoff?.maxMs,
          async prepare() {
            const ready = readyWatches();
            if (ready.length === 0) throw new Error("no database has a replica yet");
            metricsAddr = `127.0.0.1:${await freeLoopbackPort()}`;
            const written = await writeLitestreamConfig(settings.stateDir, {
              line: settings.litestreamVersion,
              addr: metricsAddr,
              databases: ready.map((w) => ({ path: w.path, replicas: w.replicas.map((r) => ({ syncInterval: settings.syncInterval, ...r })) })),
            });
            if (settings.litestreamVersion !== "0.5") return { configPath: written.path, env: written.env };
            const { env, dropped } = litestream05Env(written.env, process.env);
            if (dropped.length > 0) log.info("Litestream 0.5 runs without variables its S3 client refuses", { dropped: dropped.join(", ") });
            return { configPath: written.path, env };
          },
          onLine(line) {
            const finding = withDatabasePath(classifyLogLine(line), watches.map((w) => w.path));
            if (finding) board = applyFinding(board, finding, new Date());
            if (finding && finding.kind !== "ok") log.warn("litestream", { line: line.slice(0, 1000) });
            else log.debug("litestream", { line: line.slice(0, 1000) });
          },
          onStart() {
            board = restartBoard(board);
            for (const w of watches) w.resetIdentity();
          },
        });

  const startLitestream = async () => {
    if (!supervisor || readyWatches().length === 0) return;
    if (supervisor.status().running || supervisor.status().startedAt) await supervisor.restart("replica settings changed");
    else await supervisor.start();
  };

  // ---- Managed mode: replica settings from the core ------------------------------------
  const fetchConfig = deps.fetchConfig ?? (() => fetchAgentConfig(settings.server, settings.token));
  const managedWatches = watches.filter((w) => w.setting.replicas.length === 0);
  const refreshManaged = async (): Promise<void> => {
    const result = await fetchConfig();
    if (result.kind !== "ok") {
      const message = result.kind === "rejected" ? `agent token rejected by the core (${result.message})` : `cannot get replica settings from the core: ${result.message}`;
      agentErrors.set("managed", message);
      log.warn("managed replica settings unavailable", { message });
      if (!stopped) later(managed ? intervalMs : Math.min(intervalMs, 5_000), () => void refreshManaged());
      return;
    }
    agentErrors.delete("managed");
    const config = result.value;
    if (!settings.intervalExplicit && config.heartbeatIntervalSeconds > 0) intervalMs = config.heartbeatIntervalSeconds * 1000;
    if (!config.storage) {
      managedStorageMissing = true;
      log.error(NO_STORAGE_ERROR);
      later(credentialRefreshDelayMs(null, new Date()), () => void refreshManaged());
      return;
    }
    managedStorageMissing = false;
    const targets = managedTargets(managedWatches.map((w) => w.setting.name), config.storage);
    if (!sameTargets(managed, targets)) {
      managed = targets;
      for (const w of managedWatches) w.setReplicas([targets.get(w.setting.name)!]);
      log.info("managed replica settings received", { prefix: config.storage.urlPrefix, expiresAt: config.storage.expiresAt ?? "never" });
      await startLitestream();
    }
    later(credentialRefreshDelayMs(config.storage.expiresAt, new Date()), () => void refreshManaged());
  };

  // ---- Sampling ------------------------------------------------------------------------
  const readMetrics = async (): Promise<LitestreamMetrics | null> => {
    if (!metricsAddr || (supervisor && !supervisor.status().running)) {
      lastMetrics = null;
      return null;
    }
    try {
      lastMetrics = await fetchLitestreamMetrics(metricsAddr, 2000);
      metricsError = null;
    } catch (err) {
      lastMetrics = null;
      metricsError = (err as Error).message;
    }
    return lastMetrics;
  };

  const sample = (forceStorage: boolean) =>
    serial(async () => {
      const now = new Date();
      // Shadow WAL first, metrics second: a replica read after the database can only look further along, never falsely behind.
      for (const w of watches) await w.observeShadow();
      const metrics = await readMetrics();
      if (metrics) {
        const types = new Map(watches.flatMap((w) => w.names.map((n, i) => [replicaKey(w.path, n), w.replicas[i]?.type ?? ""] as const)));
        board = applyMetrics(board, metrics, types);
      }
      await walGuard.hold(watches.map((w) => w.path));
      for (const w of watches) {
        const changed = await w.observeFile(now);
        const live = metrics?.databases.get(w.path) ?? null;
        // Without a live view, storage is the only evidence: read it when something changed.
        // Litestream 0.5 reports no replica position: its newest LTX file is read while the database's TXID is ahead of it
        // (an idle, caught-up database costs no storage request between heartbeats).
        const readStorage = forceStorage || w.txidAhead(live) || (!live && (changed || w.anyPending()));
        if (readStorage) await w.readStorage({ timeoutMs: Math.min(10_000, intervalMs) });
        w.step(now, changed, live, readStorage, {
          litestreamRunning: supervisor ? supervisor.status().running : metrics !== null,
          stuckAfterMs: deps.stuck?.afterMs ?? 60_000,
          maxRestartBackoffMs: deps.stuck?.maxBackoffMs ?? 600_000,
          outsideWriteWindowMs: outsideWriteWindowMs(settings.sampleIntervalSeconds * 1000),
        });
        await w.probeReplicas(now, settings.sampleIntervalSeconds * 1000);
        const problem = w.identityProblem();
        if (problem && !loggedProblems.has(problem)) {
          loggedProblems.add(problem);
          log.error(problem);
        }
      }
      const stuck = watches.flatMap((w) => w.stuckRestarts());
      const writable = watches.flatMap((w) => w.probeRestarts());
      if (supervisor && writable.length > 0) {
        log.warn("replica directory writable again while changes wait: restarting Litestream", { replicas: writable.join(", ") });
        void supervisor.restart(`replica writable again: ${writable.join(", ")}`);
      } else if (supervisor && stuck.length > 0) {
        log.warn("replica not moving while changes wait: restarting Litestream", { replicas: stuck.join(", ") });
        void supervisor.restart(`replica stuck: ${stuck.join(", ")}`);
      }
    });

  // ---- Heartbeats ------------------------------------------------------------------------
  const sender = new HeartbeatSender({
    post: deps.post ?? ((p) => postHeartbeat(settings.server, settings.token, p)),
    log,
    capacity: deps.queueCapacity,
    maxRetryMs: intervalMs,
  });

  const litestreamNotes = () =>
    litestreamHealth(
      observe
        ? { mode: "observe", metricsAddr, metricsError }
        : { mode: "supervised", status: supervisor?.status() ?? null, restartEnabled: settings.restartLitestream, metricsError },
    );

  const buildPayload = async (): Promise<HeartbeatPayload> => {
    const now = new Date();
    const errorsNow = currentErrors(board, now, Math.max(60_000, 3 * intervalMs));
    const ls = litestreamNotes();
    const databases = await Promise.all(
      watches.map(async (w) => {
        const logErrors = new Map<string, string>();
        for (const name of w.names) {
          const message = errorsNow.replicas.get(replicaKey(w.path, name));
          if (message) logErrors.set(name, message);
        }
        const errors = [...ls.errors, ...(errorsNow.databases.get(w.path) ?? []), ...(errorsNow.databases.get("") ?? [])];
        if (w.setting.replicas.length === 0 && managedStorageMissing) errors.push(NO_STORAGE_ERROR);
        errors.push(...(await containerChecks(w.setting)));
        const notes = [...ls.notes, ...(errorsNow.notes.get(w.path) ?? [])];
        const seen = replaced.get(w.path);
        if (seen && now.getTime() - seen.at.getTime() < 3_600_000) notes.push(`${seen.message} (seen ${seen.at.toISOString()}; Litestream restarted on the new file)`);
        return w.report({
          now,
          live: lastMetrics?.databases.get(w.path) ?? null,
          litestreamRunning: ls.running,
          logErrors,
          errors,
          notes,
          countRows: { enabled: settings.countRows, maxBytes: settings.countRowsMaxBytes, everyMs: deps.countRowsEveryMs ?? 600_000 },
          marker: settings.marker,
          secrets: secrets(),
        });
      }),
    );
    // A replaced file: this heartbeat carries the error; then Litestream is restarted on the new file.
    const toRestart = supervisor ? watches.filter((w) => w.identityProblem()?.includes("was replaced")) : [];
    if (toRestart.length > 0) {
      for (const w of toRestart) replaced.set(w.path, { message: w.identityProblem()!, at: now });
      void supervisor!.restart(`database file replaced: ${toRestart.map((w) => w.path).join(", ")}`);
    }
    return {
      agentVersion: AGENT_VERSION,
      litestreamVersion: version,
      sentAt: now.toISOString(),
      sequence: sequence++,
      agentId,
      hostname: os.hostname().slice(0, 255),
      mode: settings.mode,
      databases,
      errors: [...agentErrors.values()].slice(0, 50).map((e) => redactSecrets(e, secrets()).slice(0, 1900)),
    };
  };

  let heartbeatRunning: Promise<void> | null = null;
  const heartbeat = async (): Promise<void> => {
    await sample(true);
    const payload = await serial(buildPayload);
    lastPayload = payload;
    sender.enqueue(payload);
    await flush();
  };

  let retryTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  // One flush at a time, or the head of the queue could be sent twice.
  const flush = (): Promise<void> => (flushing = flushing.then(flushOnce, flushOnce));
  const flushOnce = async (): Promise<void> => {
    const result = await sender.flush();
    const status = agentStatus(new Date(), "message" in result ? result.message : null, lastPayload?.databases ?? []);
    await writeStatusFile(settings.statusFile, status).catch((err) =>
      log.warn("cannot write the status file", { file: settings.statusFile, error: (err as Error).message }),
    );
    if (retryTimer) timers.delete(retryTimer), clearTimeout(retryTimer);
    retryTimer = null;
    if (result.outcome === "retry" || (result.outcome === "sent" && sender.queued > 0)) {
      retryTimer = later(result.outcome === "sent" ? 0 : Math.min(sender.retryDelayMs(), intervalMs), () => void flush());
    }
  };

  const heartbeatLoop = () => {
    heartbeatRunning = heartbeat()
      .catch((err) => log.error("heartbeat failed", { error: (err as Error).stack ?? String(err) }))
      .finally(() => {
        heartbeatRunning = null;
        later(jitter(intervalMs), heartbeatLoop);
      });
  };

  const sampleLoop = () => {
    void sample(false)
      .catch((err) => log.error("sample failed", { error: (err as Error).message }))
      .finally(() => later(jitter(settings.sampleIntervalSeconds * 1000), sampleLoop));
  };

  // ---- Start -----------------------------------------------------------------------------
  log.info("borela agent starting", {
    mode: settings.mode,
    server: settings.server,
    databases: settings.databases.map((d) => `${d.name}=${d.path}`).join(","),
    intervalSeconds: intervalMs / 1000,
    litestream: version ?? "missing",
  });
  await serial(async () => {
    for (const w of watches) await w.observeFile(new Date());
  });
  // Held before Litestream starts and released after it exits: see wal-guard.ts.
  await walGuard.hold(watches.map((w) => w.path));
  if (managedWatches.length > 0) await refreshManaged();
  await startLitestream();
  later(jitter(settings.sampleIntervalSeconds * 1000), sampleLoop);
  later(Math.min(1000, intervalMs), heartbeatLoop);

  return {
    settings,
    supervisor,
    agentId,
    metricsAddr: () => metricsAddr,
    lastPayload: () => lastPayload,
    queued: () => sender.queued,
    heartbeatNow: () => heartbeat(),
    sampleNow: () => sample(false),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await supervisor?.stop();
      walGuard.release();
      await heartbeatRunning?.catch(() => undefined);
      log.info("borela agent stopped");
    },
  };
}
