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
import { inheritedEnvironment, type AgentSettings } from "./settings.ts";
import { LitestreamSupervisor } from "./supervisor.ts";
import { WalHold } from "./wal-hold.ts";
import { framesLost, newestLocalLtx, readWalFacts, walRestartMessage } from "./wal-salt.ts";

/** The longest the WAL is held across a Litestream 0.5 restart (stuck kill grace 10 s + backoff + first sync). */
export const WAL_HOLD_MAX_MS = 60_000;
/** After a WAL-restart loss: Litestream runs with this snapshot interval until a snapshot (read from the database file) completes. */
export const CATCH_UP_SNAPSHOT_MS = 10_000;

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
  /** Litestream 0.5: databases whose WAL restarted while Litestream was down, until a snapshot (wal-salt.ts). */
  private readonly walLoss = new Map<string, string>();
  private readonly hold: WalHold;
  /** The running Litestream is the one started after the last retire: its first sync ends the hold. */
  private newChild = false;

  constructor(
    private readonly options: RunnerOptions,
    bin: string | null,
    readonly version: string | null,
    readonly binaryError: string | null,
  ) {
    const { settings } = options;
    const observe = settings.mode === "observe";
    this.metricsAddr = observe ? (settings.litestreamConfig?.addr ?? null) : null;
    this.hold = new WalHold(
      (held) => {
        options.log.info("wal hold ended", { files: held.files.join(","), heldMs: held.heldMs, reason: held.reason });
        if (held.reason !== "limit") return;
        for (const db of held.files) {
          const message = `the agent held the WAL for ${Math.round(held.heldMs / 1000)}s across a Litestream restart and let go before the new Litestream synced`;
          this.board = applyFinding(this.board, { kind: "note", db, message }, new Date());
        }
      },
      (file, message) => options.log.warn("cannot hold the WAL across the Litestream restart", { file, error: message }),
    );
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
          snapshot: this.walLoss.size > 0 ? { retentionMs: null, ...settings.litestreamConfig?.snapshot, intervalMs: CATCH_UP_SNAPSHOT_MS } : (settings.litestreamConfig?.snapshot ?? null),
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
        if (settings.litestreamVersion === "0.5") this.walEvents(line, finding);
        if (finding && finding.kind !== "ok") log.warn("litestream", { line: line.slice(0, 1000) });
        else log.debug("litestream", { line: line.slice(0, 1000) });
      },
      onStart: () => {
        this.board = restartBoard(this.board);
        for (const w of watches) w.resetIdentity();
        if (settings.litestreamVersion !== "0.5") return;
        this.newChild = true;
        this.applyWalLoss();
        // Held from here too (a crash or a first start had no hold): the salt read next then stays what the new Litestream's first sync sees.
        void this.holdWal()
          .then(() => this.detectWalRestart())
          .catch((err) => log.warn("cannot compare the WAL with Litestream's last LTX file", { error: (err as Error).message }));
      },
      onRetire: async () => {
        if (settings.litestreamVersion !== "0.5") return;
        this.newChild = false;
        await this.holdWal();
      },
    });
  }

  private async holdWal(): Promise<void> {
    if (this.options.holdWal === false) return;
    const paths = this.ready().map((w) => w.path);
    await this.hold.begin(paths, this.options.walHoldMaxMs ?? WAL_HOLD_MAX_MS).catch((err) => this.options.log.warn("cannot hold the WAL", { error: (err as Error).message }));
  }

  /**
   * The new Litestream's first replica sync ends the hold. A snapshot ends a WAL-restart loss; when none is
   * left, Litestream goes back to the configured snapshot interval.
   */
  private walEvents(line: string, finding: ReturnType<typeof classifyLogLine>): void {
    if (this.newChild && /msg="replica sync"/.test(line)) this.hold.end("synced");
    if (finding?.kind !== "ok" || finding.op !== "snapshot" || !this.walLoss.delete(finding.db)) return;
    this.options.log.info("snapshot taken after the WAL restart", { db: finding.db });
    if (this.walLoss.size === 0) this.restart("snapshot taken after the WAL restart: back to the configured snapshot interval");
  }

  /** Before the new Litestream's first sync (the WAL held): did the WAL restart while it was down, past frames it never copied? */
  private async detectWalRestart(): Promise<void> {
    for (const w of this.ready()) {
      const last = await newestLocalLtx(w.path);
      const wal = last && (await readWalFacts(w.path, last.walEnd));
      if (!last || !wal || !framesLost(last, wal)) continue;
      const first = this.walLoss.size === 0;
      this.walLoss.set(w.path, walRestartMessage(last, wal.salt));
      this.options.log.warn("the WAL restarted while Litestream was down: the replica may be missing committed changes", { db: w.path, txid: last.txid });
      if (first) this.restart(`the WAL restarted while Litestream was down: snapshot every ${CATCH_UP_SNAPSHOT_MS / 1000}s until one is taken`);
    }
    this.applyWalLoss();
  }

  private applyWalLoss(): void {
    for (const w of this.ready()) {
      const message = this.walLoss.get(w.path);
      if (!message) continue;
      for (const replica of w.names) this.board = applyFinding(this.board, { kind: "error", db: w.path, replica, op: "snapshot", category: "other", message }, new Date());
    }
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
