// A separate process that writes to a WAL-mode SQLite database the way a small
// app does (users, orders, events), at a given rate and for a bounded time.
// It must be another process: Litestream and the agent watch the file from
// outside, as they would watch a real app.
//
//   const writer = await startSqliteWriter({ path, ratePerSecond: 20, durationMs: 10_000 });
//   ... await writer.stop()  // → { transactions }
//
// Run directly (child side): node --import tsx sqlite-writer.ts <path> <rate> <durationMs> [walAutocheckpoint]
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface WriterResult {
  transactions: number;
  exitCode: number | null;
}

export interface SqliteWriter {
  pid: number;
  /** Resolves when the process exits by itself (duration over) or after stop(). */
  exited: Promise<WriterResult>;
  stop(): Promise<WriterResult>;
}

export interface WriterOptions {
  path: string;
  ratePerSecond?: number;
  /** Hard upper bound on the writer's life. */
  durationMs?: number;
  /** PRAGMA wal_autocheckpoint for the app's connection (SQLite's default 1000 pages; 0 turns it off, as litestream.io/tips advises under a high write load). */
  walAutocheckpoint?: number;
}

const SELF = fileURLToPath(import.meta.url);

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), total_cents INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS orders_user ON orders(user_id);
`;

export async function startSqliteWriter(options: WriterOptions): Promise<SqliteWriter> {
  const rate = options.ratePerSecond ?? 10;
  const duration = Math.min(options.durationMs ?? 30_000, 10 * 60_000);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(process.execPath, ["--import", tsx, SELF, options.path, String(rate), String(duration), String(options.walAutocheckpoint ?? 1000)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));

  const exited = new Promise<WriterResult>((resolve) => {
    child.once("exit", (code) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      const transactions = /^\{.*\}$/.test(last) ? (JSON.parse(last) as { transactions: number }).transactions : 0;
      resolve({ transactions, exitCode: code });
    });
  });
  await waitForReady(child, () => stdout, () => stderr, exited);

  return {
    pid: child.pid!,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function waitForReady(child: ChildProcess, out: () => string, err: () => string, exited: Promise<WriterResult>) {
  const deadline = Date.now() + 15_000;
  while (!out().includes("ready\n")) {
    if (child.exitCode !== null) {
      await exited;
      throw new Error(`sqlite writer exited with ${child.exitCode} before ready: ${err()}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`sqlite writer not ready after 15s: ${err()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function runChild(dbPath: string, rate: number, durationMs: number, walAutocheckpoint: number): Promise<void> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma(`wal_autocheckpoint = ${walAutocheckpoint}`);
  db.exec(SCHEMA);
  const addUser = db.prepare("INSERT INTO users (email, name, created_at) VALUES (?, ?, ?)");
  const addOrder = db.prepare("INSERT INTO orders (user_id, total_cents, status, created_at) VALUES (?, ?, ?, ?)");
  const addEvent = db.prepare("INSERT INTO events (kind, payload, created_at) VALUES (?, ?, ?)");
  let transactions = 0;
  const write = db.transaction(() => {
    const now = new Date().toISOString();
    const n = transactions + 1;
    const user = addUser.run(`user${process.pid}-${n}@example.test`, `User ${n}`, now).lastInsertRowid;
    addOrder.run(user, (n * 137) % 10_000, n % 5 === 0 ? "refunded" : "paid", now);
    addEvent.run("order.created", JSON.stringify({ user: Number(user), n, note: "x".repeat(64) }), now);
  });

  let stopping = false;
  const finish = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    clearTimeout(limit);
    db.close();
    process.stdout.write(`${JSON.stringify({ transactions })}\n`, () => process.exit(0));
  };
  const timer = setInterval(() => {
    write();
    transactions++;
  }, Math.max(1, Math.round(1000 / rate)));
  const limit = setTimeout(finish, durationMs);
  process.on("SIGTERM", finish);
  process.on("SIGINT", finish);
  process.stdout.write("ready\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const [dbPath, rate, duration, walAutocheckpoint] = process.argv.slice(2);
  await runChild(dbPath, Number(rate), Number(duration), Number(walAutocheckpoint ?? 1000));
}
