// Everything the agent tracks about one database between heartbeats: its file
// (identity, changes), its replicas' stored state, their pendingSince, and the
// report it turns into (with row counts and the marker: counts-and-marker.ts).
//
//   new DatabaseWatch(setting: DatabaseSetting)
//   setReplicas(targets) · resetIdentity() · observeFile(now): Promise<boolean (changed)> · observeShadow(): Promise<void>
//   readStorage(options): Promise<void> · step(now, changed, live, storageRead) · probeReplicas(now, everyMs): Promise<void>
//   storedTxids(): Map<replicaKey, TXID>   0.5: each replica's stored TXID as last read (empty on 0.3)
//   report(context): Promise<DatabaseReport>
import path from "node:path";
import type { LitestreamLine } from "../litestream/binary.ts";
import { replicaNames } from "../litestream/config.ts";
import { readLtxReplica } from "../litestream/ltx-state.ts";
import type { DatabaseMetrics } from "../litestream/metrics.ts";
import { readReplica, type ReplicaState } from "../litestream/replica-reader.ts";
import { litestreamMetaDir, readShadowPosition, type ShadowPosition } from "../litestream/shadow-wal.ts";
import { readLocalTxid } from "../litestream/local-ltx.ts";
import { replicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import type { DatabaseReport, Position } from "../protocol.ts";
import { identityProblem, statDatabase, type FileState } from "./database-file.ts";
import { initialPending, stepPending, type PendingState } from "./pending.ts";
import { databaseTxid, livePoints, txidPoints } from "./live-points.ts";
import { initialOutsideWrite, outsideWriteMessage, stepOutsideWrite, type OutsideWriteState } from "./outside-write.ts";
import { initialOutsideWriteLtx, LTX_RULES, outsideWriteLtxMessage, type TxidKey } from "./outside-write-ltx.ts";
import { databaseReach, initialStuck, stepStuck, stuckMessage, type RestartRecord, type StuckState } from "./stuck.ts";
import { replicaKey } from "./log-errors.ts";
import { foreignMessage, initialRewind, rewindMessage, stepRewind, type RewindState } from "./replica-rewind.ts";
import { initialProbe, probeDirectories, probeDue, stepProbe, type ProbeState } from "./replica-probe.ts";
import { redactSecrets } from "./redact.ts";
import { CountsAndMarker } from "./counts-and-marker.ts";
import type { DatabaseSetting } from "./settings.ts";

interface Stored {
  state: ReplicaState | null;
  error: string | null;
  code: string | null;
}

/** What a sample knows about Litestream beyond its metrics, and the windows of the stuck and outside-write checks. */
export interface StepContext {
  litestreamRunning: boolean;
  stuckAfterMs: number;
  maxRestartBackoffMs: number;
  outsideWriteWindowMs: number;
}

export interface ReportContext {
  now: Date;
  live: DatabaseMetrics | null;
  litestreamRunning: boolean;
  /** Replica errors from Litestream's log, by replica name. */
  logErrors: Map<string, string>;
  errors: string[];
  notes: string[];
  countRows: { enabled: boolean; maxBytes: number; everyMs: number };
  /** Write a `_borela_marker` row with each report (opt-in round-trip proof). */
  marker: boolean;
  /** The supervisor's restarts, for the stuck error; absent when Litestream is not supervised. */
  restarts?: RestartRecord;
  secrets: string[];
}

const MAX_MESSAGE = 1900;
const clip = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s);

export class DatabaseWatch {
  replicas: ReplicaTarget[] = [];
  names: string[] = [];
  private file: FileState | null = null;
  private baseline: FileState | null = null;
  /** The file as the agent first found it: a replacement stays an error until that file is back or the agent restarts. */
  private original: FileState | null = null;
  private changedAt: Date | null = null;
  /** The database's position from Litestream's shadow WAL, read at each sample. */
  private shadow: ShadowPosition | null = null;
  private pending: PendingState[] = [];
  private stuck: StuckState[] = [];
  private rewinds: RewindState[] = [];
  /** 0.5: the database's TXID at the last sample with metrics. */
  private txid: number | null = null;
  /** 0.5: the newest TXID in Litestream's local level 0 (local-ltx.ts), read at each sample: the position without metrics. */
  private localTxid: number | null = null;
  private probes: ProbeState[] = [];
  private outside: OutsideWriteState = initialOutsideWrite;
  private outsideLtx: OutsideWriteState<TxidKey> = initialOutsideWriteLtx;
  private stored: Stored[] = [];
  private sizeCaches: Array<Map<string, number | string>> = [];
  private readonly countsAndMarker = new CountsAndMarker();

  constructor(
    readonly setting: DatabaseSetting,
    readonly line: LitestreamLine = "0.3",
  ) {
    this.setReplicas(setting.replicas);
  }

  get path(): string {
    return this.setting.path;
  }

  setReplicas(targets: ReplicaTarget[]): void {
    this.replicas = targets;
    this.names = replicaNames(targets);
    this.pending = targets.map(() => ({ ...initialPending }));
    this.stuck = targets.map(() => initialStuck);
    this.rewinds = targets.map(() => initialRewind);
    this.probes = targets.map(() => initialProbe);
    this.stored = targets.map(() => ({ state: null, error: null, code: null }));
    this.sizeCaches = targets.map(() => new Map());
  }

  /** A (new) Litestream has opened the file as it is now. */
  resetIdentity(): void {
    this.baseline = this.file?.exists ? this.file : null;
  }

  /** The identity problem right now, if any (missing, moved, replaced). */
  identityProblem(): string | null {
    if (!this.file) return null;
    const now = identityProblem(this.path, this.baseline, this.file);
    if (now) return now;
    // Litestream follows the new file, but the data the app had may be elsewhere: someone must look.
    if (this.original && this.file.exists && (this.original.ino !== this.file.ino || this.original.dev !== this.file.dev)) {
      return `database file ${this.path} is not the file the agent started with (inode ${this.original.ino} → ${this.file.ino}): Litestream now backs up the new file; make sure the app writes to it, then restart the agent to accept it`;
    }
    return null;
  }

  async observeFile(now: Date): Promise<boolean> {
    const current = await statDatabase(this.path);
    const changed = this.file !== null && this.file.fingerprint !== current.fingerprint;
    if (changed) this.changedAt = now;
    if (!this.baseline && current.exists) this.baseline = current;
    if (!this.original && current.exists) this.original = current;
    this.file = current;
    return changed;
  }

  /** Reads the database's position (0.3: current shadow WAL index and offset; 0.5: local L0's TXID) before Litestream's metrics are read. */
  async observeShadow(): Promise<void> {
    this.shadow = this.line === "0.5" ? null : await readShadowPosition(this.path);
    this.localTxid = this.line === "0.5" ? await readLocalTxid(this.path) : null;
  }

  async readStorage(options: { timeoutMs: number }): Promise<void> {
    await Promise.all(
      this.replicas.map(async (target, i) => {
        try {
          const state =
            this.line === "0.5"
              ? await readLtxReplica(target, { timeoutMs: options.timeoutMs })
              : await readReplica(target, { timeoutMs: options.timeoutMs, sizeCache: this.sizeCaches[i] });
          this.stored[i] = { state, error: null, code: null };
        } catch (err) {
          this.stored[i] = { state: this.stored[i]?.state ?? null, error: (err as Error).message, code: (err as { code?: string }).code ?? null };
        }
      }),
    );
  }

  /** Advances every replica's pendingSince, the stuck check and the outside-write check; `storageRead` says whether readStorage ran for this step. */
  step(now: Date, changed: boolean, live: DatabaseMetrics | null, storageRead: boolean, ctx: StepContext): void {
    const points = this.replicas.map((_r, i) => {
      const stored = storageRead && !this.stored[i].error ? (this.stored[i].state?.position ?? null) : undefined;
      // 0.5: between reads the replica is where it was last read (it only moves forward; a read is due whenever the database is ahead).
      const lastRead = this.stored[i].error ? undefined : (this.stored[i].state?.position ?? null);
      return { stored, live: this.line === "0.5" ? txidPoints(live, storageRead ? stored : lastRead, this.localTxid) : livePoints(live, this.shadow, this.names[i]) };
    });
    this.pending = this.pending.map((state, i) => stepPending(state, { now, databaseChanged: changed, live: points[i].live, stored: points[i].stored }));
    if (this.line === "0.5") {
      if (live?.txid) this.txid = live.txid; // 0: not synced since it started (live-points.ts), never a TXID
      this.rewinds = this.rewinds.map((state, i) =>
        stepRewind(state, {
          replicaTxid: points[i].stored === undefined ? undefined : (points[i].stored?.offset ?? 0),
          chainTxid: points[i].stored === undefined ? null : (this.stored[i].state?.chainTxid ?? null),
          chainStart: points[i].stored === undefined ? null : (this.stored[i].state?.chainStart ?? null),
          databaseTxid: live?.txid || null,
        }),
      );
    }
    // While Litestream is down (or being restarted) the stuck check holds still: the supervisor owns that.
    if (ctx.litestreamRunning) {
      this.stuck = this.stuck.map((state, i) => {
        const stored = this.stored[i].state?.position ?? null;
        const replica = points[i].live?.replica ?? (stored ? { index: stored.index, offset: stored.offset } : null);
        return stepStuck(state, { now, replica, pendingSince: this.pending[i].pendingSince, stuckAfterMs: ctx.stuckAfterMs, maxBackoffMs: ctx.maxRestartBackoffMs });
      });
    } else this.stuck = this.stuck.map((s) => ({ ...s, restartNow: false }));
    const seen = { now, stamp: this.file?.exists ? this.file.mainStamp : null, windowMs: ctx.outsideWriteWindowMs };
    if (this.line === "0.5") {
      const txid = databaseTxid(live, this.localTxid);
      const position = txid === null ? null : { txid, snapshotTxid: this.stored[0]?.state?.snapshotTxid ?? null };
      this.outsideLtx = stepOutsideWrite(this.outsideLtx, { ...seen, position, litestreamLive: ctx.litestreamRunning && position !== null }, LTX_RULES);
    } else this.outside = stepOutsideWrite(this.outside, { ...seen, position: this.shadow, litestreamLive: ctx.litestreamRunning && live !== null });
  }

  /** File replicas: a write probe of the replica directory and the live generation's WAL directory while changes wait (see replica-probe.ts). */
  async probeReplicas(now: Date, everyMs: number): Promise<void> {
    this.probes = await Promise.all(
      this.replicas.map(async (target, i) => {
        const state = { ...this.probes[i], restartNow: false };
        if (target.type !== "file") return state;
        const waiting = this.pending[i].pendingSince !== null || this.stuck[i].stuckSince !== null;
        if (!probeDue(state, { now, everyMs, waiting })) return state;
        const dirs = [target.path];
        if (this.shadow) dirs.push(path.join(target.path, "generations", this.shadow.generation, "wal"));
        return stepProbe(state, { now, failure: await probeDirectories(dirs), waiting });
      }),
    );
  }

  /** File replicas writable again while changes wait: restart Litestream now (0.3.13 does not resume by itself). */
  probeRestarts(): string[] {
    return this.probes.flatMap((p, i) => (p.restartNow ? [replicaUrl(this.replicas[i])] : []));
  }

  /** Replicas judged stuck at this step that Litestream should be restarted for (with backoff). */
  stuckRestarts(): string[] {
    return this.stuck.flatMap((s, i) => (s.restartNow ? [replicaUrl(this.replicas[i])] : []));
  }

  /** Litestream 0.5: the database's TXID is beyond a replica's newest LTX file as last read (or that read failed): storage must be read. */
  txidAhead(live: DatabaseMetrics | null): boolean {
    const txid = live?.txid;
    if (txid == null) return false;
    return this.stored.some((s) => s.error !== null || (s.state?.position?.offset ?? 0) < txid);
  }

  storedTxids(): Map<string, number> {
    if (this.line !== "0.5") return new Map();
    return new Map(this.stored.flatMap((s, i) => (!s.error && s.state ? [[replicaKey(this.path, this.names[i]), s.state.position?.offset ?? 0] as const] : [])));
  }

  anyPending(): boolean {
    return this.pending.some((p) => p.pendingSince !== null);
  }

  async report(ctx: ReportContext): Promise<DatabaseReport> {
    await this.countsAndMarker.refresh(this.path, this.file, ctx);
    const file = this.file ?? (await statDatabase(this.path));
    const errors = [...ctx.errors];
    const problem = this.identityProblem();
    if (problem) errors.push(problem);
    if (file.error) errors.push(file.error);
    for (const stored of this.stored) errors.push(...(stored.state?.problems ?? []));
    for (const probe of this.probes) if (probe.failure) errors.push(probe.failure);
    const outside = this.line === "0.5" ? outsideWriteLtxMessage(this.outsideLtx, this.path) : outsideWriteMessage(this.outside, this.path, litestreamMetaDir(this.path));
    if (outside) errors.push(outside);
    errors.push(...this.rewinds.flatMap((state) => [rewindMessage(state), foreignMessage(state)].filter((m): m is string => m !== null)));
    const known = databaseTxid(ctx.live, this.txid ?? this.localTxid);
    const database = this.line === "0.5" ? (known !== null ? { index: 0, offset: known } : null) : databaseReach(this.shadow, this.file?.exists ? this.file.walBytes : null);
    this.stuck.forEach((state, i) => {
      const message = stuckMessage(state, { now: ctx.now, url: replicaUrl(this.replicas[i]), database, version: this.line, restarts: ctx.restarts });
      if (message) errors.push(message);
    });
    const notes = [...ctx.notes, ...this.countsAndMarker.notes()];
    const live = ctx.live;
    const generation = this.shadow?.generation ?? null;
    // 0.5 without metrics (observe mode, no addr): Litestream's local L0 holds the same TXID.
    const txid = this.line === "0.5" ? databaseTxid(ctx.live, this.localTxid) : null;
    const position: Position | null = this.shadow ? { ...this.shadow } : txid !== null ? { generation: null, index: 0, offset: txid, txid } : null;

    const replicas = this.replicas.map((target, i) => {
      const stored = this.stored[i];
      const points = livePoints(live, this.shadow, this.names[i]);
      const storedPosition = stored.state?.position ?? null;
      const livePosition = points ? { generation, index: points.replica.index, offset: points.replica.offset } : null;
      const lastError = stored.error ?? ctx.logErrors.get(this.names[i]) ?? null;
      return {
        name: this.names[i],
        type: target.type,
        url: replicaUrl(target),
        generation: stored.state?.generation ?? null,
        position: storedPosition ?? livePosition,
        pendingSince: this.pending[i].pendingSince?.toISOString() ?? null,
        lastSnapshotAt: stored.state?.lastSnapshotAt?.toISOString() ?? null,
        lastWalAt: stored.state?.lastWalAt?.toISOString() ?? null,
        storageBytes: stored.state?.storageBytes ?? 0,
        lastError: lastError ? clip(redactSecrets(lastError, ctx.secrets)) : null,
      };
    });

    return {
      name: this.setting.name,
      path: this.path,
      exists: file.exists,
      sizeBytes: file.sizeBytes,
      walBytes: file.walBytes,
      position,
      changedAt: this.changedAt?.toISOString() ?? null,
      litestreamRunning: ctx.litestreamRunning,
      replicas,
      tableCounts: this.countsAndMarker.tableCounts,
      tableCountsAt: this.countsAndMarker.tableCountsAt?.toISOString() ?? null,
      marker: this.countsAndMarker.marker,
      errors: [...new Set(errors)].slice(0, 50).map((e) => clip(redactSecrets(e, ctx.secrets))),
      notes: [...new Set(notes)].slice(0, 50).map((n) => clip(redactSecrets(n, ctx.secrets))),
    };
  }
}
