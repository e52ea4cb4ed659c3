// The credentials a project's agent gets for its managed replicas, given the
// core's BORELA_S3_* settings and the secret key the app already holds (for
// keys an admin attached, see agent-keys.ts). Thin shell over managedSource
// (the decision) and AssumeRole (scoped-credentials.ts).
//
//   managedCredentials(store, secretKey, s3, project, assume?): Promise<ManagedCredentials>
//     `assume` makes the AssumeRole call (default assumeRoleCredentials; the agent-config route passes a cached one)
//     off          no managed storage on the core
//     refused      neither a role nor attached keys: `message` says what the operator must do
//     unavailable  AssumeRole failed: `message` names the role and the STS error (no secret)
//     ok           `credentials`, valid for `<bucket>/<storagePrefix>/` only
import type { S3Settings } from "../config.ts";
import type { Store } from "../store/db.ts";
import { readAgentKeys } from "./agent-keys.ts";
import { managedSource, type ManagedProject } from "./managed-source.ts";
import { assumeRoleCredentials, type ReplicaCredentials } from "./scoped-credentials.ts";

export type ManagedCredentials =
  | { kind: "off" }
  | { kind: "refused"; message: string }
  | { kind: "unavailable"; message: string; reason: string }
  | { kind: "ok"; credentials: ReplicaCredentials };

/** Errors: none of its own; a failed AssumeRole is `unavailable`, a store error is thrown as is. */
export async function managedCredentials(
  store: Store,
  secretKey: Buffer,
  s3: S3Settings | null,
  project: ManagedProject,
  assume: (s3: S3Settings, prefix: string) => Promise<ReplicaCredentials> = assumeRoleCredentials,
): Promise<ManagedCredentials> {
  const agentKeys = s3 && !s3.roleArn ? await readAgentKeys(store, secretKey, project.id) : null;
  const source = managedSource(s3, project, agentKeys !== null);
  if (!s3 || source.kind === "off") return { kind: "off" };
  if (source.kind === "refused") return { kind: "refused", message: source.message };
  if (source.kind === "agent-keys") return { kind: "ok", credentials: { ...agentKeys!, sessionToken: null, expiresAt: null } };
  try {
    return { kind: "ok", credentials: await assume(s3, project.storagePrefix) };
  } catch (err) {
    const reason = (err as Error).message;
    return { kind: "unavailable", reason, message: `cannot get scoped credentials: AssumeRole ${source.roleArn} failed: ${reason}` };
  }
}
