// The JSON text columns the sweep reads, parsed alike on both stores (sweep-reads.ts on SQLite,
// postgres/sweep-reads.ts on PostgreSQL).
import type { Position } from "../protocol.ts";

/** A stored Position (JSON written at ingest, protocol.ts); null when absent or not of that shape. */
export function parsePosition(json: string | null): Position | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Position;
    return v && (v.generation === null || typeof v.generation === "string") && finiteNumber(v.index) && finiteNumber(v.offset) ? v : null;
  } catch {
    return null;
  }
}

function finiteNumber(x: unknown): boolean {
  return typeof x === "number" && Number.isFinite(x);
}

/** A stored errors column (JSON array of strings); [] when unreadable. */
export function parseErrors(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
