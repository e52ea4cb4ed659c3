// The order of the project list, worst first, and its keyset cursor. Pure and import-free but for
// severity.ts, so the dashboard imports it too (dashboard/src/lib/status.ts) instead of a copy.
import { SEVERITY } from "../freshness/severity.ts";

// The core's severity turned around, so lower is worse: silent 0, error 2, stale 4, unknown 6, fresh 8.
const STATUS_RANK: Record<string, number> = Object.fromEntries(Object.entries(SEVERITY).map(([s, n]) => [s, 2 * (SEVERITY.silent - n)]));

// Where a drill status sits on the same scale, each just after its freshness peer: a failed drill after
// an agent error, an overdue drill after a stale backup (changes at risk now), never drilled after unknown.
const DRILL_RANK: Record<string, number> = { failed: 3, overdue: 5, none: 7, passed: 8 };

/**
 * Lower is worse: the worse of a project's two answers (is it fresh? can it restore?) first, then the other.
 * An integer in 0..88; an unknown status ranks as unknown (6), an unknown drill status as 6 too.
 */
export function urgency(p: { status: string; drillStatus: string }): number {
  const a = STATUS_RANK[p.status] ?? 6;
  const b = DRILL_RANK[p.drillStatus] ?? 6;
  return Math.min(a, b) * 10 + Math.max(a, b);
}

/** A project's place in the list: urgency, then name (case-insensitive, then exact), then id. */
export interface OrderKey {
  urgency: number;
  name: string;
  id: string;
}

/**
 * Negative when `a` comes first. Plain code-unit comparison (no locale), so the cursor is stable across hosts.
 * `la`/`lb`: the names lowercased, when the caller sorting thousands has them already.
 */
export function compareKeys(a: OrderKey, b: OrderKey, la = a.name.toLowerCase(), lb = b.name.toLowerCase()): number {
  if (a.urgency !== b.urgency) return a.urgency - b.urgency;
  if (la !== lb) return la < lb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
