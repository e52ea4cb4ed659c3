// The kinds of incident, one list: what the sweeper decides from heartbeats
// (stale, silent, error) and what the drills decide (drill_failed, drill_overdue).

// The list is the schema's enum IncidentKind (prisma/schema.prisma).
import { IncidentKind } from "../generated/prisma/enums.ts";

export { IncidentKind };
export const INCIDENT_KINDS: readonly IncidentKind[] = Object.values(IncidentKind);

/** The kinds the freshness sweep opens and resolves (from heartbeats and the core's clock). */
export type SweptKind = Extract<IncidentKind, "stale" | "silent" | "error">;

/** The kinds the drills open and resolve. */
export type DrillKind = Extract<IncidentKind, "drill_failed" | "drill_overdue">;
