// Litestream 0.3's listing commands (`generations`, `snapshots`, `wal`) run
// against a config file, their column-aligned tables parsed: what the tests
// compare the replica reader with. The core itself reads replicas directly
// (litestream/replica-reader.ts) and never runs these.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { resolveLitestreamBin } from "../../src/litestream/binary.ts";

const run = promisify(execFile);

export interface ListSource {
  configPath: string;
  dbPath: string;
}

export interface GenerationRow {
  replica: string;
  generation: string;
  lag: string;
  start: Date;
  end: Date;
}

export interface SnapshotRow {
  replica: string;
  generation: string;
  index: number;
  size: number;
  createdAt: Date;
}

export interface WalRow extends SnapshotRow {
  offset: number;
}

/** Litestream's column-aligned table: one record per row, keyed by the header's words. */
export function parseTable(text: string): Array<Record<string, string>> {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const header = lines[0].trim().split(/\s+/);
  return lines.slice(1).map((line) => {
    const cells = line.trim().split(/\s+/);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
}

function date(raw: string, what: string): Date {
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new Error(`litestream printed ${what}=${JSON.stringify(raw)}, not a time`);
  return d;
}

async function list(command: string, source: ListSource, options: { timeoutMs?: number }): Promise<Array<Record<string, string>>> {
  const { stdout } = await run(resolveLitestreamBin(), [command, "-config", source.configPath, "-no-expand-env", source.dbPath], {
    timeout: options.timeoutMs ?? 60_000,
  });
  return parseTable(stdout);
}

export async function generations(source: ListSource, options: { timeoutMs?: number } = {}): Promise<GenerationRow[]> {
  return (await list("generations", source, options)).map((r) => ({
    replica: r.name,
    generation: r.generation,
    lag: r.lag,
    start: date(r.start, "start"),
    end: date(r.end, "end"),
  }));
}

export async function snapshots(source: ListSource, options: { timeoutMs?: number } = {}): Promise<SnapshotRow[]> {
  return (await list("snapshots", source, options)).map((r) => ({
    replica: r.replica,
    generation: r.generation,
    index: Number(r.index),
    size: Number(r.size),
    createdAt: date(r.created, "created"),
  }));
}

/** `litestream wal`: snapshots' columns plus the segment's offset. */
export async function walSegments(source: ListSource, options: { timeoutMs?: number } = {}): Promise<WalRow[]> {
  return (await list("wal", source, options)).map((r) => ({
    replica: r.replica,
    generation: r.generation,
    index: Number(r.index),
    offset: Number(r.offset),
    size: Number(r.size),
    createdAt: date(r.created, "created"),
  }));
}
