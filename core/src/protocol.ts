// The wire contract between the agent and the core. Shared by both sides, so a
// change here is a protocol change: keep it additive.
import { Type, type Static } from "@sinclair/typebox";

const DateTime = Type.String({ format: "date-time", maxLength: 40 });
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Object>>(t: T) =>
  Type.Union([t, Type.Null()]);
const Bytes = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Message = Type.String({ maxLength: 2000 });

/**
 * What a database may be called: the agent names one after its file ("production.sqlite3" → "production")
 * or its config's name:, both within this. Names become parts of file paths and commands on the core.
 */
export const DATABASE_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

/**
 * A position in Litestream's stream: 0.3's generation, WAL index and byte offset; 0.5 has neither
 * generations nor WAL indexes and sends `txid` (its transaction ID), also carried as { generation: null,
 * index: 0, offset: txid } so that positions of both lines compare the same way.
 * Bounds: 0.3 writes a WAL index as 8 hex digits (a uint32); an offset and a TXID (a uint64 in LTX) are
 * refused above Number.MAX_SAFE_INTEGER, the largest a JSON number carries exactly.
 */
export const Position = Type.Object(
  {
    generation: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    index: Type.Integer({ minimum: 0, maximum: 0xffff_ffff }),
    offset: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    txid: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);
export type Position = Static<typeof Position>;

export const ReplicaReport = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    type: Type.String({ minLength: 1, maxLength: 20 }),
    /** file:///dir or s3://bucket/path[?endpoint=&region=&forcePathStyle=], without credentials (checked at ingest: reported-values.ts). */
    url: Type.String({ minLength: 1, maxLength: 1000 }),
    generation: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    position: Type.Optional(Type.Union([Position, Type.Null()])),
    /** Oldest time a database change was seen that this replica has not yet caught up with; null when caught up. */
    pendingSince: Type.Optional(Nullable(DateTime)),
    lastSnapshotAt: Type.Optional(Nullable(DateTime)),
    lastWalAt: Type.Optional(Nullable(DateTime)),
    storageBytes: Type.Optional(Bytes),
    lastError: Type.Optional(Nullable(Message)),
  },
  { additionalProperties: false },
);
export type ReplicaReport = Static<typeof ReplicaReport>;

/**
 * Litestream 0.5's snapshot interval and retention a database runs with (its litestream.yml's `snapshot:`,
 * as the agent rendered or adopted it; Litestream's defaults filled in), in seconds. Data, checked here:
 * whole seconds from 1 s to ten years.
 */
export const SnapshotReport = Type.Object(
  {
    intervalSeconds: Type.Integer({ minimum: 1, maximum: 10 * 366 * 86_400 }),
    retentionSeconds: Type.Integer({ minimum: 1, maximum: 10 * 366 * 86_400 }),
  },
  { additionalProperties: false },
);
export type SnapshotReport = Static<typeof SnapshotReport>;

export const DatabaseReport = Type.Object(
  {
    /** Letters, digits, ".", "_" and "-", starting with a letter or digit (DATABASE_NAME_PATTERN). */
    name: Type.String({ minLength: 1, maxLength: 128, pattern: DATABASE_NAME_PATTERN }),
    /** Absolute, no control characters, no ".." segments (checked at ingest: reported-values.ts). */
    path: Type.String({ minLength: 1, maxLength: 1000 }),
    exists: Type.Boolean(),
    sizeBytes: Type.Optional(Bytes),
    walBytes: Type.Optional(Bytes),
    /** The database's own position (Litestream's shadow WAL), when Litestream reports it. */
    position: Type.Optional(Type.Union([Position, Type.Null()])),
    /** When the agent last saw the database change. */
    changedAt: Type.Optional(Nullable(DateTime)),
    litestreamRunning: Type.Optional(Type.Boolean()),
    replicas: Type.Array(ReplicaReport, { maxItems: 8 }),
    tableCounts: Type.Optional(
      Type.Union([Type.Record(Type.String({ maxLength: 200 }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })), Type.Null()]),
    ),
    tableCountsAt: Type.Optional(Nullable(DateTime)),
    marker: Type.Optional(
      Type.Union([
        Type.Object({ value: Type.String({ maxLength: 100 }), at: DateTime }, { additionalProperties: false }),
        Type.Null(),
      ]),
    ),
    /** Problems that make this database's backup unsafe (missing file, replaced file, storage auth failure...). */
    errors: Type.Array(Message, { maxItems: 50 }),
    /** Facts worth showing that are not errors by themselves (e.g. Litestream restarting). */
    notes: Type.Optional(Type.Array(Message, { maxItems: 50 })),
    /** Litestream 0.5 only. */
    snapshot: Type.Optional(SnapshotReport),
  },
  { additionalProperties: false },
);
export type DatabaseReport = Static<typeof DatabaseReport>;

export const HeartbeatPayload = Type.Object(
  {
    agentVersion: Type.String({ minLength: 1, maxLength: 50 }),
    litestreamVersion: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
    /** When the agent measured this heartbeat; queued heartbeats keep their original time. */
    sentAt: DateTime,
    /** Agent-local counter; lets the core ignore a heartbeat delivered twice. Stored as a 32-bit `Int` (PostgreSQL's integer). */
    sequence: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    agentId: Type.Optional(Type.String({ maxLength: 100 })),
    hostname: Type.Optional(Type.String({ maxLength: 255 })),
    mode: Type.Optional(Type.Union([Type.Literal("managed"), Type.Literal("byo"), Type.Literal("observe")])),
    databases: Type.Array(DatabaseReport, { maxItems: 32 }),
    /** Agent-level errors (Litestream cannot start, config unreadable...). */
    errors: Type.Array(Message, { maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type HeartbeatPayload = Static<typeof HeartbeatPayload>;

/** What `GET /api/v1/agent/config` returns to an agent in managed mode. */
export const AgentConfigResponse = Type.Object({
  projectId: Type.String(),
  projectName: Type.String(),
  heartbeatIntervalSeconds: Type.Integer(),
  /** Null when the operator configured no storage: the agent then needs a bring-your-own replica. */
  storage: Type.Union([
    Type.Object({
      /** Replica URL prefix for this project; the agent appends `/<database name>`. */
      urlPrefix: Type.String(),
      endpoint: Type.Union([Type.String(), Type.Null()]),
      region: Type.String(),
      forcePathStyle: Type.Boolean(),
      accessKeyId: Type.String(),
      secretAccessKey: Type.String(),
      sessionToken: Type.Union([Type.String(), Type.Null()]),
      expiresAt: Type.Union([DateTime, Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export type AgentConfigResponse = Static<typeof AgentConfigResponse>;
