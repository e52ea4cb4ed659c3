// Several databases of one project that open incidents of the same kind in one
// dispatcher pass (Litestream stopped for all of them; one storage outage) are
// one cause: each channel gets one message naming each database, not one per
// database. Pure: which deliveries ride together, and the message they make.
import type { AlertContext } from "./message.ts";

export interface GroupMember {
  /** The delivery's channel key (delivery-key.ts), event and reminder number. */
  channel: string;
  event: string;
  seq: number;
  incident: { projectId: string; databaseId: string | null; kind: string; resolved: boolean };
}

const GROUPED_EVENTS = new Set(["opened", "reminder", "resolved"]);

/**
 * Deliveries with equal keys go out as one message; null for one that always goes alone (a
 * project-level incident, a missed or digest delivery).
 */
export function groupKey(m: GroupMember): string | null {
  if (!m.incident.databaseId || !GROUPED_EVENTS.has(m.event)) return null;
  return [m.channel, m.event, m.seq, m.incident.projectId, m.incident.kind, m.incident.resolved ? "resolved" : "open"].join("|");
}

/** "a", "a and b", "a, b and c". */
export function namesInWords(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

const earliest = (dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));
const latest = (dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));

/**
 * One context for the incidents of one group (same project, kind and event), databases in the order
 * given: the databases named together, the earliest start, the latest end (null while any is open),
 * the oldest newest-upload and passing drill (the weakest backup decides), every restore command.
 * `items` keeps each database's own context, so the message can say what happened to each.
 */
export function groupContext(items: AlertContext[]): AlertContext {
  if (items.length === 1) return items[0];
  const first = items[0];
  const reasons = [...new Set(items.map((i) => i.reason))];
  const dates = (pick: (i: AlertContext) => Date | null) => items.map(pick).filter((d): d is Date => d !== null);
  const backups = dates((i) => i.lastBackupAt);
  const drills = dates((i) => i.lastPassingDrillAt);
  return {
    ...first,
    database: namesInWords(items.map((i) => i.database ?? i.project.name)),
    reason: reasons.length === 1 ? reasons[0] : items.map((i) => `${i.database}: ${i.reason}`).join("; "),
    startedAt: earliest(items.map((i) => i.startedAt)),
    openedAt: earliest(items.map((i) => i.openedAt)),
    resolvedAt: items.every((i) => i.resolvedAt) ? latest(dates((i) => i.resolvedAt)) : null,
    lastBackupAt: backups.length === items.length ? earliest(backups) : null,
    lastPassingDrillAt: drills.length === items.length ? earliest(drills) : null,
    restoreCommands: items.flatMap((i) => i.restoreCommands),
    items,
  };
}
