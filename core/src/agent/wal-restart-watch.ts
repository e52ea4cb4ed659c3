// Litestream 0.5 and WAL restarts while it is down (wal-salt.ts says what is lost): the runner's part.
// Holds the WAL (wal-hold.ts) from before a restart, and from every start, until the new Litestream's
// first replica sync; at every start, with the WAL held, checks for a WAL restart past frames Litestream
// never copied and keeps a replica error for that database until a snapshot completes. While one is
// pending, snapshotInterval() asks for a short snapshot interval (a 0.5 snapshot is read from the database file).
//
//   new WalRestartWatch({ log, note(db, message), holdMaxMs?, enabled? })   note: a hold let go at its limit
//   retire(paths): Promise<void> · started(paths): Promise<"snapshot" | null>   "snapshot": restart for a snapshot now
//   line(line, finding): "snapshot-done" | null   "snapshot-done": the last loss is covered, restart to the configured interval
//   board(board, watches): ErrorBoard   the losses as replica errors, after restartBoard
//   snapshotIntervalMs(): number | null   CATCH_UP_SNAPSHOT_MS while a loss waits for its snapshot
import type { DatabaseWatch } from "./database-watch.ts";
import { applyFinding, type ErrorBoard } from "./log-errors.ts";
import type { LogFinding } from "./log-lines.ts";
import type { AgentLog } from "./log.ts";
import { WalHold } from "./wal-hold.ts";
import { framesLost, newestLocalLtx, readWalFacts, walRestartMessage } from "./wal-salt.ts";

/** The longest the WAL is held across a restart (stuck kill grace 10 s + backoff + first sync). */
export const WAL_HOLD_MAX_MS = 60_000;
/** After a loss: Litestream's snapshot interval until a snapshot completes. */
export const CATCH_UP_SNAPSHOT_MS = 10_000;

export class WalRestartWatch {
  /** Database path → the loss's message, until a snapshot. */
  private readonly losses = new Map<string, string>();
  private readonly hold: WalHold;
  /** The running Litestream is the one started after the last retire: its first sync ends the hold. */
  private newChild = false;

  constructor(private readonly options: { log: AgentLog; note(db: string, message: string): void; holdMaxMs?: number; enabled?: boolean }) {
    const { log } = options;
    this.hold = new WalHold(
      (held) => {
        log.info("wal hold ended", { files: held.files.join(","), heldMs: held.heldMs, reason: held.reason });
        if (held.reason !== "limit") return;
        const message = `the agent held the WAL for ${Math.round(held.heldMs / 1000)}s across a Litestream restart and let go before the new Litestream synced`;
        for (const db of held.files) options.note(db, message);
      },
      (file, message) => log.warn("cannot hold the WAL across the Litestream restart", { file, error: message }),
    );
  }

  private async holdWal(paths: string[]): Promise<void> {
    if (this.options.enabled === false) return;
    await this.hold.begin(paths, this.options.holdMaxMs ?? WAL_HOLD_MAX_MS).catch((err) => this.options.log.warn("cannot hold the WAL", { error: (err as Error).message }));
  }

  async retire(paths: string[]): Promise<void> {
    this.newChild = false;
    await this.holdWal(paths);
  }

  async started(paths: string[]): Promise<"snapshot" | null> {
    this.newChild = true;
    // Held from here too (a crash or a first start had no hold): the WAL read next stays what the first sync sees.
    await this.holdWal(paths);
    const pending = this.losses.size > 0;
    for (const file of paths) {
      const last = await newestLocalLtx(file);
      const wal = last && (await readWalFacts(file, last.walEnd));
      if (!last || !wal || !framesLost(last, wal)) continue;
      this.losses.set(file, walRestartMessage(last, wal.salt));
      this.options.log.warn("the WAL restarted while Litestream was down: the replica may be missing committed changes", { db: file, txid: last.txid });
    }
    return !pending && this.losses.size > 0 ? "snapshot" : null;
  }

  line(line: string, finding: LogFinding | null): "snapshot-done" | null {
    if (this.newChild && /msg="replica sync"/.test(line)) this.hold.end("synced");
    if (finding?.kind !== "ok" || finding.op !== "snapshot" || !this.losses.delete(finding.db)) return null;
    this.options.log.info("snapshot taken after the WAL restart", { db: finding.db });
    return this.losses.size === 0 ? "snapshot-done" : null;
  }

  board(board: ErrorBoard, watches: DatabaseWatch[]): ErrorBoard {
    const now = new Date();
    let out = board;
    for (const w of watches) {
      const message = this.losses.get(w.path);
      if (message) for (const replica of w.names) out = applyFinding(out, { kind: "error", db: w.path, replica, op: "snapshot", category: "other", message }, now);
    }
    return out;
  }

  snapshotIntervalMs(): number | null {
    return this.losses.size > 0 ? CATCH_UP_SNAPSHOT_MS : null;
  }
}
