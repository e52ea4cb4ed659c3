// The Litestream the agent runs (supervised child) or watches from outside
// (observe mode), and what its log says: the error board of log-errors.ts.
//
//   openLitestream(options: RunnerOptions): Promise<LitestreamRunner>
//     resolves the binary of settings.litestreamVersion and asks its version; never throws:
//     a missing binary leaves supervisor null and, in supervised modes, sets binaryError.
//   LitestreamRunner:
//     supervisor: LitestreamSupervisor | null   null when observing or without a binary
//     version: string | null · binaryError: string | null
//     metricsAddr: "127.0.0.1:<port>" (a fresh free port at each start) | observed config's addr | null
//     board: ErrorBoard   findings from Litestream's log lines and metrics (log-errors.ts)
//     start(): Promise<void>   starts, or restarts when the replica settings changed; no-op without ready databases
//     restart(reason): void · running(): boolean | null (null: not supervised) · health(metricsError) (litestream-health.ts)
//     noteMetrics(metrics) · noteReplicaTxids(Map<replicaKey, TXID>): fold evidence of success into the board
//   Litestream 0.5: wal-restart-watch.ts holds the WAL across restarts and reports a WAL restart past uncopied
//   frames; the runner restarts Litestream when it asks for a catch-up snapshot and when that is done.
import { litestreamVersion, resolveLitestreamBinFor } from "../litestream/binary.ts";
import { writeLitestreamConfig } from "../litestream/config.ts";
import { litestream05Env } from "../litestream/env05.ts";
import type { DatabaseWatch } from "./database-watch.ts";
import { litestreamHealth } from "./litestream-health.ts";
import { withDatabasePath } from "./log-db.ts";
import { applyFinding, applyMetrics, applyReplicaTxids, emptyBoard, replicaKey, restartBoard, type ErrorBoard, type MetricsView } from "./log-errors.ts";
import { classifyLogLine, shutdownFinding } from "./log-lines.ts";
import type { AgentLog } from "./log.ts";
import { freeLoopbackPort } from "./port.ts";
import type { SnapshotSettings } from "../litestream/snapshot-config.ts";
import { inheritedEnvironment, type AgentSettings } from "./settings.ts";
import { LitestreamSupervisor } from "./supervisor.ts";
import { WalRestartWatch } from "./wal-restart-watch.ts";

export interface RunnerOptions {
  settings: AgentSettings;
  watches: DatabaseWatch[];
  log: AgentLog;
  /** Restart backoff of the supervisor (ms). */
  backoff?: { initialMs: number; maxMs: number };
  /** Litestream 0.5: hold the WAL across restarts (wal-hold.ts); false only in tests that show the loss. */
  holdWal?: boolean;
  walHoldMaxMs?: number;
}

export async function openLitestream(options: RunnerOptions): Promise<LitestreamRunner> {
  const { settings, log } = options;
  const observe = settings.mode === "observe";
  try {
    const bin = resolveLitestreamBinFor(settings.litestreamVersion, settings.litestreamBin);
    return new LitestreamRunner(options, bin, await litestreamVersion(bin), null);
  } catch (err) {
    log.error("litestream unavailable", { error: (err as Error).message });
    return new LitestreamRunner(options, null, null, observe ? null : (err as Error).message);
  }
}

export class LitestreamRunner {
  readonly supervisor: LitestreamSupervisor | null;
  metricsAddr: string | null;
  board: ErrorBoard = emptyBoard();
  private readonly walRestarts: WalRestartWatch;

  constructor(
    private readonly options: RunnerOptions,
    bin: string | null,
    readonly version: string | null,
    readonly binaryError: string | null,
  ) {
    const { settings } = options;
    const observe = settings.mode === "observe";
    this.metricsAddr = observe ? (settings.litestreamConfig?.addr ?? null) : null;
    this.walRestarts = new WalRestartWatch({
      log: options.log,
      enabled: options.holdWal,
      holdMaxMs: options.walHoldMaxMs,
      note: (db, message) => (this.board = applyFinding(this.board, { kind: "note", db, message }, new Date())),
    });
    this.supervisor = observe || !bin ? null : this.supervise(bin);
  }

  private ready(): DatabaseWatch[] {
    return this.options.watches.filter((w) => w.replicas.length > 0);
  }

  private supervise(bin: string): LitestreamSupervisor {
    const { settings, log, watches, backoff } = this.options;
    return new LitestreamSupervisor({
      bin,
      restart: settings.restartLitestream,
      log,
      initialBackoffMs: backoff?.initialMs,
      maxBackoffMs: backoff?.maxMs,
      prepare: async () => {
        const ready = this.ready();
        if (ready.length === 0) throw new Error("no database has a replica yet");
        this.metricsAddr = `127.0.0.1:${await freeLoopbackPort()}`;
        const written = await writeLitestreamConfig(settings.stateDir, {
          line: settings.litestreamVersion,
          addr: this.metricsAddr,
          snapshot: this.snapshotSettings(),
          databases: ready.map((w) => ({ path: w.path, replicas: w.replicas.map((r) => ({ syncInterval: settings.syncInterval, ...r })) })),
        });
        if (settings.litestreamVersion !== "0.5") return { configPath: written.path, env: written.env };
        const { env, dropped } = litestream05Env(written.env, inheritedEnvironment());
        if (dropped.length > 0) log.info("Litestream 0.5 runs without variables its S3 client refuses", { dropped: dropped.join(", ") });
        return { configPath: written.path, env };
      },
      onLine: (line) => {
        const raw = withDatabasePath(classifyLogLine(line, settings.litestreamVersion), watches.map((w) => w.path));
        const finding = raw && shutdownFinding(raw, this.supervisor?.stopRequested() ?? false);
        if (finding) this.board = applyFinding(this.board, finding, new Date());
        if (settings.litestreamVersion === "0.5" && this.walRestarts.line(line, finding) === "snapshot-done") {
          this.restart("snapshot taken after the WAL restart: back to the configured snapshot interval");
        }
        if (finding && finding.kind !== "ok") log.warn("litestream", { line: line.slice(0, 1000) });
        else log.debug("litestream", { line: line.slice(0, 1000) });
      },
      onStart: () => {
        this.board = restartBoard(this.board);
        for (const w of watches) w.resetIdentity();
        if (settings.litestreamVersion !== "0.5") return;
        const paths = this.ready().map((w) => w.path);
        this.board = this.walRestarts.board(this.board, watches);
        void this.walRestarts
          .started(paths)
          .then((ask) => {
            this.board = this.walRestarts.board(this.board, watches);
            if (ask === "snapshot") this.restart("the WAL restarted while Litestream was down: short snapshot interval until a snapshot is taken");
          })
          .catch((err) => log.warn("cannot compare the WAL with Litestream's last LTX file", { error: (err as Error).message }));
      },
      onRetire: async () => {
        if (settings.litestreamVersion === "0.5") await this.walRestarts.retire(this.ready().map((w) => w.path));
      },
    });
  }

  /** The configured 0.5 `snapshot:` block, with a short interval while a WAL-restart loss waits for a snapshot. */
  private snapshotSettings(): SnapshotSettings | null {
    const configured = this.options.settings.litestreamConfig?.snapshot ?? null;
    const intervalMs = this.walRestarts.snapshotIntervalMs();
    return intervalMs ? { retentionMs: configured?.retentionMs ?? null, intervalMs } : configured;
  }

  async start(): Promise<void> {
    const supervisor = this.supervisor;
    if (!supervisor || this.ready().length === 0) return;
    if (supervisor.status().running || supervisor.status().startedAt) await supervisor.restart("replica settings changed");
    else await supervisor.start();
  }

  restart(reason: string): void {
    void this.supervisor?.restart(reason);
  }

  running(): boolean | null {
    return this.supervisor ? this.supervisor.status().running : null;
  }

  /** Folds a metrics sample into the board (upload counters clear log errors of their replica). */
  noteMetrics(metrics: MetricsView): void {
    const types = new Map(this.options.watches.flatMap((w) => w.names.map((n, i) => [replicaKey(w.path, n), w.replicas[i]?.type ?? ""] as const)));
    this.board = applyMetrics(this.board, metrics, types);
  }

  /** Litestream 0.5: each replica's stored TXID as last read, by replicaKey (a rise clears its upload errors). */
  noteReplicaTxids(txids: Map<string, number>): void {
    this.board = applyReplicaTxids(this.board, txids);
  }

  health(metricsError: string | null): ReturnType<typeof litestreamHealth> {
    const { settings } = this.options;
    return litestreamHealth(
      settings.mode === "observe"
        ? { mode: "observe", metricsAddr: this.metricsAddr, metricsError }
        : { mode: "supervised", status: this.supervisor?.status() ?? null, restartEnabled: settings.restartLitestream, metricsError },
    );
  }
}
