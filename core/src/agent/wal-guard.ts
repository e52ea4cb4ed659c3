// Keeps Litestream's place in the WAL across its restarts. Litestream 0.3.13
// resumes a generation only if, when it starts, the database's WAL header
// still equals the header of its last shadow WAL file; otherwise it logs
// "init: cannot determine last wal position, clearing generation" and uploads
// a new snapshot. The WAL is lost whenever some other connection is the last
// one to close the database while Litestream is down: SQLite then checkpoints
// the WAL and deletes it (the error reads "primary wal header: EOF"), and the
// next write starts a fresh WAL with a new header.
//
// A read-only connection held open prevents that: while it is open no other
// connection is "last" (closing needs an exclusive lock it cannot get), and a
// read-only connection closing last neither checkpoints nor deletes the WAL.
// It holds no read transaction between samples, so it blocks no checkpoint.
//
//   guardPlan(held: Map<path, ino>, seen: Map<path, ino | null>): { open: string[]; close: string[] }   pure
//   new WalGuard(onError?) · hold(paths: string[]): Promise<void> · release(): void · held(): string[]
import { stat } from "node:fs/promises";

/** Which guards to open (file present, none held or the file was replaced) and close (file gone or replaced). */
export function guardPlan(held: Map<string, number>, seen: Map<string, number | null>): { open: string[]; close: string[] } {
  const open: string[] = [];
  const close: string[] = [];
  for (const [file, ino] of seen) {
    const had = held.get(file);
    if (had !== undefined && had !== ino) close.push(file);
    if (ino !== null && had !== ino) open.push(file);
  }
  for (const file of held.keys()) if (!seen.has(file)) close.push(file);
  return { open, close };
}

interface Connection {
  pragma(sql: string, options?: { simple: boolean }): unknown;
  close(): void;
}

export class WalGuard {
  private readonly connections = new Map<string, { ino: number; db: Connection }>();
  private released = false;

  constructor(private readonly onError: (file: string, message: string) => void = () => {}) {}

  held(): string[] {
    return [...this.connections.keys()];
  }

  /** Opens a guard on every file in `paths` that exists, and touches each so it sees WAL mode once Litestream set it. */
  async hold(paths: string[]): Promise<void> {
    if (this.released) return;
    const seen = new Map<string, number | null>();
    for (const file of paths) seen.set(file, await stat(file).then((s) => (s.size > 0 ? s.ino : null), () => null));
    const held = new Map([...this.connections].map(([f, c]) => [f, c.ino]));
    const plan = guardPlan(held, seen);
    for (const file of plan.close) this.drop(file);
    let Database: (new (file: string, options: object) => Connection) | null = null;
    if (plan.open.length > 0) {
      try {
        Database = (await import("better-sqlite3")).default as unknown as new (file: string, options: object) => Connection;
      } catch (err) {
        for (const file of plan.open) this.onError(file, `cannot load better-sqlite3: ${(err as Error).message}`);
        return;
      }
    }
    for (const file of plan.open) {
      if (this.released) return;
      try {
        this.connections.set(file, { ino: seen.get(file)!, db: new Database!(file, { readonly: true, fileMustExist: true, timeout: 1000 }) });
      } catch (err) {
        this.onError(file, (err as Error).message);
      }
    }
    for (const [file, c] of this.connections) {
      try {
        // A read makes the connection map the WAL index; in WAL mode it then keeps a shared lock on the file.
        c.db.pragma("schema_version", { simple: true });
      } catch (err) {
        this.onError(file, (err as Error).message);
      }
    }
  }

  private drop(file: string): void {
    const c = this.connections.get(file);
    this.connections.delete(file);
    try {
      c?.db.close();
    } catch {
      // closing a read-only connection has nothing to lose
    }
  }

  /** Closes every guard for good: call after Litestream has exited. */
  release(): void {
    this.released = true;
    for (const file of [...this.connections.keys()]) this.drop(file);
  }
}
