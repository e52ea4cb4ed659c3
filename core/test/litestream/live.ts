// A real `litestream replicate` for tests: private config with a metrics addr
// on a free loopback port, log lines kept, stopped by PID at the end.
import path from "node:path";
import Database from "better-sqlite3";
import { resolveLitestreamBin } from "../../src/litestream/binary.ts";
import { writeLitestreamConfig } from "../../src/litestream/config.ts";
import { fetchLitestreamMetrics, type DatabaseMetrics } from "../../src/litestream/metrics.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { spawnReplicate, type ReplicateProcess } from "../../src/litestream/replicate.ts";
import { readShadowPosition } from "../../src/litestream/shadow-wal.ts";
import { freePort } from "../support/ports.ts";
import { SCHEMA } from "../support/sqlite-writer.ts";
import { waitFor } from "../support/wait-for.ts";

export interface LiveLitestream {
  configPath: string;
  addr: string;
  process: ReplicateProcess;
  lines: string[];
  metrics(): Promise<DatabaseMetrics | undefined>;
  /** Waits until the replica's position equals the database's position (current shadow WAL file, read from disk). */
  caughtUp(timeoutMs?: number): Promise<DatabaseMetrics>;
  stop(): Promise<void>;
}

export function createDatabase(file: string, rows = 0): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(SCHEMA);
  const insert = db.prepare("INSERT INTO events (kind, payload, created_at) VALUES (?, ?, ?)");
  for (let i = 0; i < rows; i++) insert.run("seed", `row ${i}`, new Date().toISOString());
  db.close();
}

export function countRows(file: string, table: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function startLitestream(dir: string, dbPath: string, replica: ReplicaTarget): Promise<LiveLitestream> {
  const addr = `127.0.0.1:${await freePort()}`;
  const { path: configPath, env } = await writeLitestreamConfig(path.join(dir, "litestream"), {
    addr,
    databases: [{ path: dbPath, monitorInterval: "200ms", replicas: [{ syncInterval: "200ms", ...replica }] }],
  });
  const lines: string[] = [];
  const proc = spawnReplicate({ bin: resolveLitestreamBin(), configPath, env, onLine: (l) => lines.length < 5000 && lines.push(l) });
  const metrics = async () => (await fetchLitestreamMetrics(addr, 1000)).databases.get(dbPath);
  await waitFor(metrics, { timeoutMs: 10_000, what: `litestream metrics on ${addr}` });
  return {
    configPath,
    addr,
    process: proc,
    lines,
    metrics,
    async caughtUp(timeoutMs = 30_000) {
      return waitFor(
        async () => {
          const m = await metrics();
          const r = m && [...m.replicas.values()][0];
          const db = await readShadowPosition(dbPath);
          return m && r && db && db.offset > 0 && r.walIndex === db.index && r.walOffset === db.offset ? m : null;
        },
        { timeoutMs, what: "replica caught up with the shadow WAL" },
      );
    },
    async stop() {
      await proc.stop(5_000);
    },
  };
}
