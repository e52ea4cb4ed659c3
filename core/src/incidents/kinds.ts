// The kinds of incident, one list: what the sweeper decides from heartbeats
// (stale, silent, error) and what the drills decide (drill_failed, drill_overdue).

export const INCIDENT_KINDS = ["stale", "silent", "error", "drill_failed", "drill_overdue"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** The kinds the freshness sweep opens and resolves (from heartbeats and the core's clock). */
export type SweptKind = Extract<IncidentKind, "stale" | "silent" | "error">;

/** The kinds the drills open and resolve. */
export type DrillKind = Extract<IncidentKind, "drill_failed" | "drill_overdue">;
