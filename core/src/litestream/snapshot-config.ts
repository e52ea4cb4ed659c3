// Litestream 0.5's snapshot settings: how often it writes a snapshot (level 9)
// and how long it keeps them. From 0.5.16's cmd/litestream/main.go (Config,
// SnapshotConfig, applyDBSnapshotConfig, DefaultConfig):
//
//   snapshot:            # top level: applies to every database
//     interval: 24h      # Go durations (time.ParseDuration), both > 0
//     retention: 24h
//   dbs:
//     - path: …
//       snapshot: {interval, retention}   # per database: used only when the top level leaves it
//                                          # unset, and every database that sets it must agree
//
// A replica's own `snapshot-interval:` / `retention:` (0.3's keys) are not read by 0.5.
//
//   DEFAULT_SNAPSHOT: SnapshotSettings       24 h and 24 h (0.5.16's DefaultConfig)
//   parseGoDuration(text: string, field: string): number   ms; throws LitestreamConfigError naming the field
//   readSnapshotSettings(root, dbs, source): SnapshotSettings | null   null when the file sets neither
//   goDuration(ms: number): string           "90s", for writing a config 0.5 reads
//   snapshotReport(settings: SnapshotSettings | null): { intervalSeconds, retentionSeconds }   pure
//     what the agent reports in a heartbeat (protocol.ts SnapshotReport): the settings, defaults filled in
import { LitestreamConfigError } from "./config.ts";

export interface SnapshotSettings {
  /** Milliseconds between snapshots; null: Litestream's default. */
  intervalMs: number | null;
  /** Milliseconds a snapshot is kept; null: Litestream's default. */
  retentionMs: number | null;
}

export const DEFAULT_SNAPSHOT = { intervalMs: 24 * 3600_000, retentionMs: 24 * 3600_000 } as const;

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3600_000 };
const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Go's largest time.Duration (2^63−1 ns) in ms: time.ParseDuration refuses anything longer ("invalid duration"). */
const MAX_GO_DURATION_MS = 9_223_372_036_854.775;

/**
 * Go's duration syntax: "24h", "1h30m", "1.5h", "90s", "500ms"; "0" alone. Unit-less values, values past Go's
 * largest duration (2562047h47m16.854775807s) and negative ones ("must be greater than 0", as Litestream says) are refused.
 */
export function parseGoDuration(text: string, field: string): number {
  const bad = () => new LitestreamConfigError(`${field}: ${JSON.stringify(text)} is not a duration (Go syntax: 24h, 1h30m, 90s)`);
  if (text === "0") return 0;
  if (/^-\d|^-\./.test(text)) {
    parseGoDuration(text.slice(1), field);
    throw new LitestreamConfigError(`${field}: must be greater than 0 (Litestream refuses ${JSON.stringify(text)})`);
  }
  let rest = text.trim();
  if (rest === "" || rest !== text) throw bad();
  let ms = 0;
  while (rest !== "") {
    const m = PART.exec(rest);
    if (!m) throw bad();
    ms += Number(m[1]) * UNIT_MS[m[2]];
    rest = rest.slice(m[0].length);
  }
  if (!Number.isFinite(ms)) throw bad();
  if (ms > MAX_GO_DURATION_MS) throw new LitestreamConfigError(`${field}: ${JSON.stringify(text)} is longer than Go's largest duration (2562047h47m16.854775807s): Litestream refuses it`);
  return Math.round(ms);
}

type YamlMap = Record<string, unknown>;

function readBlock(raw: unknown, where: string): SnapshotSettings {
  if (raw === undefined || raw === null) return { intervalMs: null, retentionMs: null };
  if (typeof raw !== "object" || Array.isArray(raw)) throw new LitestreamConfigError(`${where} must be a mapping (interval:, retention:)`);
  const block = raw as YamlMap;
  const one = (key: "interval" | "retention"): number | null => {
    const v = block[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== "string") throw new LitestreamConfigError(`${where}.${key}: ${JSON.stringify(v)} is not a duration (Go syntax in quotes or plain: 24h, 1h30m, 90s)`);
    const ms = parseGoDuration(v, `${where}.${key}`);
    if (ms <= 0) throw new LitestreamConfigError(`${where}.${key}: must be greater than 0 (Litestream refuses ${JSON.stringify(v)})`);
    return ms;
  };
  return { intervalMs: one("interval"), retentionMs: one("retention") };
}

export function readSnapshotSettings(root: YamlMap, dbs: YamlMap[], source: string): SnapshotSettings | null {
  const global = readBlock(root.snapshot, `${source}: snapshot`);
  const perDb = dbs.map((db, i) => readBlock(db?.snapshot, `${source}: dbs[${i}].snapshot`));
  const agreed = (key: keyof SnapshotSettings): number | null => {
    if (global[key] !== null) return global[key];
    const set = [...new Set(perDb.map((s) => s[key]).filter((v): v is number => v !== null))];
    if (set.length > 1) throw new LitestreamConfigError(`${source}: conflicting database snapshot ${key === "intervalMs" ? "intervals" : "retentions"} (${set.map(goDuration).join(", ")}): Litestream 0.5 refuses them`);
    return set[0] ?? null;
  };
  const settings = { intervalMs: agreed("intervalMs"), retentionMs: agreed("retentionMs") };
  return settings.intervalMs === null && settings.retentionMs === null ? null : settings;
}

export function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Upper bound of a reported interval or retention (protocol.ts): ten years in seconds. */
export const MAX_SNAPSHOT_SECONDS = 10 * 366 * 86_400;

export function snapshotReport(settings: SnapshotSettings | null): { intervalSeconds: number; retentionSeconds: number } {
  const seconds = (ms: number) => Math.min(MAX_SNAPSHOT_SECONDS, Math.max(1, Math.round(ms / 1000)));
  return {
    intervalSeconds: seconds(settings?.intervalMs ?? DEFAULT_SNAPSHOT.intervalMs),
    retentionSeconds: seconds(settings?.retentionMs ?? DEFAULT_SNAPSHOT.retentionMs),
  };
}
