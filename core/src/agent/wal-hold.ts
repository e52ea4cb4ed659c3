// Keeps the WAL from restarting while Litestream 0.5 is restarted (see wal-salt.ts
// for what a restart in that gap loses). A read transaction pins the WAL: a
// checkpoint copies frames only up to the reader's snapshot, and SQLite restarts
// the WAL only when no reader uses it. Litestream's own long read transaction
// does this while it runs; the hold does it from just before the old Litestream
// is stopped until the new one has synced once (it then holds its own), and
// never longer than maxMs: a WAL held for ever grows without bound.
// A read that starts when every frame is already checkpointed reads the database
// file and pins nothing: that gap is left to wal-salt.ts's detection.
//
//   new WalHold(onEnd?: (held: HoldEnd) => void)
//   begin(paths: string[], maxMs: number): Promise<void>   no-op while holding
//   end(reason: "synced" | "limit" | "stopped"): void · holding(): boolean
import type { Database as Db } from "better-sqlite3";

export interface HoldEnd {
  files: string[];
  heldMs: number;
  reason: "synced" | "limit" | "stopped";
}

export class WalHold {
  private connections: Db[] = [];
  private files: string[] = [];
  private since = 0;
  private timer: NodeJS.Timeout | null = null;
  private starting = false;

  constructor(
    private readonly onEnd: (held: HoldEnd) => void = () => {},
    private readonly onError: (file: string, message: string) => void = () => {},
  ) {}

  holding(): boolean {
    return this.connections.length > 0;
  }

  async begin(paths: string[], maxMs: number): Promise<void> {
    if (this.holding() || this.starting) return;
    this.starting = true;
    try {
      const Database = (await import("better-sqlite3")).default;
      for (const file of paths) {
        try {
          const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 1000 });
          db.exec("BEGIN");
          db.prepare("SELECT count(*) FROM sqlite_master").pluck().get();
          this.connections.push(db);
          this.files.push(file);
        } catch (err) {
          this.onError(file, (err as Error).message);
        }
      }
    } finally {
      this.starting = false;
    }
    if (!this.holding()) return;
    this.since = Date.now();
    this.timer = setTimeout(() => this.end("limit"), maxMs);
    this.timer.unref();
  }

  end(reason: HoldEnd["reason"]): void {
    if (!this.holding()) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const db of this.connections) {
      try {
        db.exec("ROLLBACK");
        db.close();
      } catch {
        // a read-only connection has nothing to lose
      }
    }
    const held: HoldEnd = { files: this.files, heldMs: Date.now() - this.since, reason };
    this.connections = [];
    this.files = [];
    this.onEnd(held);
  }
}
