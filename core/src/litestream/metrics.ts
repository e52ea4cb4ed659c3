// Litestream's Prometheus endpoint (`addr:` in its config), 0.3.13 and 0.5.16.
//
//   parsePrometheusText(text: string): Sample[]
//   litestreamMetrics(samples: Sample[]): LitestreamMetrics      grouped by database path and replica name
//   fetchLitestreamMetrics(addr: string, timeoutMs = 2000): Promise<LitestreamMetrics>
//   metricsUrl(addr: string): string                           ":9090" and "0.0.0.0:9090" → http://127.0.0.1:9090/metrics
//
// Names checked against a live `litestream replicate` (file and s3 replicas):
//   litestream_db_size{db}, litestream_wal_size{db}, litestream_shadow_wal_index{db},
//   litestream_shadow_wal_size{db}, litestream_total_wal_bytes{db}, litestream_sync_count{db},
//   litestream_sync_error_count{db}, litestream_sync_seconds{db},
//   litestream_replica_wal_index{db,name}, litestream_replica_wal_offset{db,name},
//   litestream_replica_wal_bytes{db,name}, litestream_replica_validation_total{db,name,status},
//   litestream_replica_operation_total{replica_type,operation}, litestream_replica_operation_bytes{replica_type,operation}
// 0.5.16 (checked against a live `litestream-0.5 replicate`): litestream_txid{db} (the database's TXID as
// Litestream has synced it into its local L0), db_size, wal_size, total_wal_bytes, sync_count,
// sync_error_count, sync_seconds; no shadow_wal_* and no per-replica position (read the replica's newest LTX file).
// litestream_shadow_wal_size is the total of every shadow WAL file kept, not an offset: a replica's
// walOffset is within one file. Compare replicas with shadow-wal.ts's readShadowPosition instead.
import http from "node:http";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ReplicaMetrics {
  name: string;
  walIndex: number | null;
  walOffset: number | null;
  walBytes: number | null;
  validationErrors: number;
}

export interface DatabaseMetrics {
  path: string;
  dbSize: number | null;
  walSize: number | null;
  shadowWalIndex: number | null;
  shadowWalSize: number | null;
  totalWalBytes: number | null;
  syncCount: number | null;
  syncErrorCount: number | null;
  /** Litestream 0.5: the database's TXID (litestream_txid); null on 0.3. */
  txid: number | null;
  replicas: Map<string, ReplicaMetrics>;
}

export interface LitestreamMetrics {
  databases: Map<string, DatabaseMetrics>;
  /** Operation counts per `<replica_type>:<operation>` (e.g. "s3:PUT"). */
  operations: Map<string, number>;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === "n" ? "\n" : c));
}

function parseValue(raw: string): number {
  if (raw === "+Inf") return Infinity;
  if (raw === "-Inf") return -Infinity;
  return Number(raw);
}

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const m = line.match(LINE);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]] = unescapeLabel(l[2]);
    samples.push({ name: m[1], labels, value: parseValue(m[3]) });
  }
  return samples;
}

function database(map: Map<string, DatabaseMetrics>, p: string): DatabaseMetrics {
  let db = map.get(p);
  if (!db) {
    db = { path: p, dbSize: null, walSize: null, shadowWalIndex: null, shadowWalSize: null, totalWalBytes: null, syncCount: null, syncErrorCount: null, txid: null, replicas: new Map() };
    map.set(p, db);
  }
  return db;
}

function replica(db: DatabaseMetrics, name: string): ReplicaMetrics {
  let r = db.replicas.get(name);
  if (!r) {
    r = { name, walIndex: null, walOffset: null, walBytes: null, validationErrors: 0 };
    db.replicas.set(name, r);
  }
  return r;
}

const DB_FIELDS: Record<string, keyof Omit<DatabaseMetrics, "path" | "replicas">> = {
  litestream_db_size: "dbSize",
  litestream_wal_size: "walSize",
  litestream_shadow_wal_index: "shadowWalIndex",
  litestream_shadow_wal_size: "shadowWalSize",
  litestream_total_wal_bytes: "totalWalBytes",
  litestream_sync_count: "syncCount",
  litestream_sync_error_count: "syncErrorCount",
  litestream_txid: "txid",
};

const REPLICA_FIELDS: Record<string, "walIndex" | "walOffset" | "walBytes"> = {
  litestream_replica_wal_index: "walIndex",
  litestream_replica_wal_offset: "walOffset",
  litestream_replica_wal_bytes: "walBytes",
};

export function litestreamMetrics(samples: Sample[]): LitestreamMetrics {
  const databases = new Map<string, DatabaseMetrics>();
  const operations = new Map<string, number>();
  for (const s of samples) {
    const dbField = DB_FIELDS[s.name];
    if (dbField && s.labels.db) {
      database(databases, s.labels.db)[dbField] = s.value;
      continue;
    }
    const replicaField = REPLICA_FIELDS[s.name];
    if (replicaField && s.labels.db && s.labels.name) {
      replica(database(databases, s.labels.db), s.labels.name)[replicaField] = s.value;
      continue;
    }
    if (s.name === "litestream_replica_validation_total" && s.labels.status === "error" && s.labels.db && s.labels.name) {
      replica(database(databases, s.labels.db), s.labels.name).validationErrors = s.value;
      continue;
    }
    if (s.name === "litestream_replica_operation_total") {
      operations.set(`${s.labels.replica_type}:${s.labels.operation}`, s.value);
    }
  }
  return { databases, operations };
}

export function metricsUrl(addr: string): string {
  const i = addr.lastIndexOf(":");
  if (i === -1) throw new Error(`metrics addr ${JSON.stringify(addr)} has no port`);
  let host = addr.slice(0, i);
  const port = addr.slice(i + 1);
  if (host === "" || host === "0.0.0.0") host = "127.0.0.1";
  if (host === "[::]") host = "[::1]";
  return `http://${host}:${port}/metrics`;
}

/** GET over node:http rather than fetch: undici alone would cost the agent ~10 MB of RSS. */
function get(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        if (body.length < 16 * 1024 * 1024) body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

export async function fetchLitestreamMetrics(addr: string, timeoutMs = 2000): Promise<LitestreamMetrics> {
  const url = metricsUrl(addr);
  let res: { status: number; body: string };
  try {
    res = await get(url, timeoutMs);
  } catch (err) {
    throw new Error(`Litestream metrics at ${url} unreachable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (res.status !== 200) throw new Error(`Litestream metrics at ${url} answered HTTP ${res.status}`);
  return litestreamMetrics(parsePrometheusText(res.body));
}
