// What happened to a project: drills, incidents, their alert deliveries and
// the heartbeats received.
import { Type } from "@fastify/type-provider-typebox";
import type { DrillReport as StoredDrillReport } from "../../drills/report.ts";
import type { HeartbeatPayload } from "../../protocol.ts";
import { DateTime, Json, Nullable, type Wire, type WireOf } from "./common.ts";

export type DrillReport = Wire<StoredDrillReport>;
export type DrillProgress = { step: string; message: string; at: string }[];

export const Drill = Type.Object(
  {
    id: Type.String(),
    projectId: Type.String(),
    database: Nullable(Type.String()),
    timestamp: Nullable(DateTime),
    status: Type.String({ description: "queued | running | passed | failed | error" }),
    trigger: Type.String(),
    attempts: Type.Number(),
    workerId: Nullable(Type.String({ description: "the process running (or that last ran) the drill: <hostname>:<pid>" })),
    queuedAt: DateTime,
    startedAt: Nullable(DateTime),
    finishedAt: Nullable(DateTime),
    progress: Json<DrillProgress>("the steps so far [{step, message, at}]"),
    report: Json<StoredDrillReport | null>("the drill report (drills/report.ts) once the drill has finished, else null"),
  },
  { additionalProperties: true },
);
export type Drill = WireOf<typeof Drill>;

export const QueuedDrills = Type.Object({ id: Type.String({ description: "the first queued drill" }), ids: Type.Array(Type.String()) });

export const Incident = Type.Object(
  {
    id: Type.String(),
    project: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
    kind: Type.String(),
    reason: Type.String(),
    database: Nullable(Type.String()),
    openedAt: DateTime,
    resolvedAt: Nullable(DateTime),
    open: Type.Boolean(),
  },
  { additionalProperties: true },
);
export type Incident = WireOf<typeof Incident>;

export type DeliveryLog = { at: string; attempt: number; ok: boolean; detail: string }[];

export const Delivery = Type.Object(
  {
    id: Type.String(),
    event: Type.String(),
    seq: Type.Number(),
    channel: Type.Object({ id: Nullable(Type.String()), type: Type.String(), target: Nullable(Type.String()) }),
    status: Type.String({ description: "pending | sent | failed" }),
    attempts: Type.Number(),
    createdAt: DateTime,
    nextAttemptAt: Nullable(DateTime),
    sentAt: Nullable(DateTime),
    lastError: Nullable(Type.String()),
    log: Json<DeliveryLog>("every attempt [{at, attempt, ok, detail}]"),
  },
  { additionalProperties: true },
);
export type Delivery = WireOf<typeof Delivery>;

export const Heartbeat = Type.Object(
  {
    id: Type.String(),
    sentAt: DateTime,
    receivedAt: DateTime,
    sequence: Nullable(Type.Number()),
    storageBytes: Type.Number(),
    payload: Json<HeartbeatPayload>("the heartbeat as the agent sent it (protocol.ts)"),
  },
  { additionalProperties: true },
);
export type Heartbeat = WireOf<typeof Heartbeat>;

export const HeartbeatAccepted = Type.Object({
  ok: Type.Boolean(),
  duplicate: Type.Boolean({ description: "true when this sequence was already received" }),
  heartbeatGraceSeconds: Type.Integer({ description: "the project's heartbeat grace: the agent calls the core unreachable once it has not reached it for this long" }),
});
