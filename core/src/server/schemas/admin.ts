// The admin's resources: agent tokens, alert channels, storage credentials,
// operator settings, dashboard sessions, restores and snippets.
import { Type } from "@fastify/type-provider-typebox";
import { DateTime, Nullable, type WireOf } from "./common.ts";

export const AgentToken = Type.Object({
  id: Type.String(),
  hint: Type.String(),
  createdAt: DateTime,
  lastUsedAt: Nullable(DateTime),
  expiresAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
  active: Type.Boolean(),
});
export type AgentToken = WireOf<typeof AgentToken>;

export const IssuedToken = Type.Object({
  id: Type.String(),
  agentToken: Type.String({ description: "shown once" }),
  hint: Type.String(),
  previousValidUntil: DateTime,
});

export const AlertChannel = Type.Object({
  id: Type.String(),
  projectId: Nullable(Type.String()),
  type: Type.String(),
  target: Type.String({ description: "the target without the secret it may hold: a chat webhook URL's path cut short, a bot token or key as its last characters; email addresses as given" }),
  signed: Type.Boolean({ description: "a generic webhook with a signing secret" }),
  createdAt: DateTime,
});
export type AlertChannel = WireOf<typeof AlertChannel>;

export const OperatorStatus = Type.Object({
  smtp: Type.Object({ configured: Type.Boolean(), server: Nullable(Type.String()), from: Type.String() }),
  storage: Type.Object({
    configured: Type.Boolean(),
    bucket: Nullable(Type.String()),
    endpoint: Nullable(Type.String()),
    region: Nullable(Type.String()),
    credentials: Nullable(Type.String()),
  }),
  alertEmails: Type.Array(Type.String()),
});
export type OperatorStatus = WireOf<typeof OperatorStatus>;

export const StorageCredentialView = Type.Object({
  configured: Type.Boolean(),
  bucket: Type.Optional(Type.String()),
  endpoint: Type.Optional(Nullable(Type.String())),
  region: Type.Optional(Type.String()),
  accessKeyIdHint: Type.Optional(Type.String()),
  createdAt: Type.Optional(DateTime),
});
export type StorageCredentialView = WireOf<typeof StorageCredentialView>;

export const AgentStorageKeysView = Type.Object({
  source: Type.String({ description: "off | role | agent-keys | refused" }),
  message: Type.String(),
  prefix: Nullable(Type.String()),
  keys: Nullable(Type.Object({ accessKeyIdHint: Type.String(), createdAt: DateTime })),
});
export type AgentStorageKeysView = WireOf<typeof AgentStorageKeysView>;

export const SessionState = Type.Object({ signedIn: Type.Boolean(), passwordSet: Type.Boolean() });
export const SignedIn = Type.Object({ signedIn: Type.Boolean(), expiresAt: DateTime });
export const SessionView = Type.Object({
  id: Type.String(),
  createdAt: DateTime,
  expiresAt: DateTime,
  userAgent: Nullable(Type.String()),
  address: Nullable(Type.String()),
  current: Type.Boolean(),
});
export type SessionView = WireOf<typeof SessionView>;
export const EndedSessions = Type.Object({ ended: Type.Number() });

export const RestoreJobView = Type.Object({
  id: Type.String(),
  project: Type.String(),
  database: Type.String(),
  status: Type.String({ description: "running | ready | refused | failed" }),
  steps: Type.Array(Type.Object({ step: Type.String(), message: Type.String(), at: Type.String() }, { additionalProperties: true })),
  error: Nullable(Type.String()),
  outcome: Nullable(
    Type.Object(
      {
        replica: Type.String(),
        generation: Nullable(Type.String()),
        txid: Nullable(Type.Number()),
        restorePoint: Type.String(),
        bytes: Type.Number(),
        restoreSeconds: Type.Number(),
      },
      { additionalProperties: true },
    ),
  ),
});
export type RestoreJobView = WireOf<typeof RestoreJobView>;

/** Each snippet kind's text, or `{error}` when the project's values cannot be rendered. */
export const Snippets = Type.Record(Type.String(), Type.String());

/** A body that is not JSON, for the OpenAPI document. */
export const Raw = (mediaType: string, description: string) => ({ description, content: { [mediaType]: { schema: { type: "string" } } } });
