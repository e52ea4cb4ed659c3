// Where a project's agent gets its managed-replica credentials from. The
// operator's own keys (BORELA_S3_ACCESS_KEY_ID/SECRET) are never a source: with
// them one project could list, read and overwrite every other project's prefix.
//
//   managedSource(s3, project, hasAgentKeys): ManagedSource
//     off          the core has no BORELA_S3_*: agents need their own replica URL
//     role         AssumeRole(BORELA_S3_ROLE_ARN) with the prefix session policy (preferred when set)
//     agent-keys   keys an admin attached to this project (PUT …/agent-storage-keys)
//     refused      neither: `message` says what the operator must do
import { createHash, timingSafeEqual } from "node:crypto";
import type { S3Settings } from "../config.ts";
import { managedUrlPrefix } from "./managed-replica.ts";

export type ManagedSource =
  | { kind: "off" }
  | { kind: "role"; roleArn: string }
  | { kind: "agent-keys" }
  | { kind: "refused"; message: string };

export interface ManagedProject {
  id: string;
  name: string;
  storagePrefix: string;
}

function agentKeysPath(projectId: string): string {
  return `/api/v1/projects/${projectId}/agent-storage-keys`;
}

function refusalMessage(s3: S3Settings, project: ManagedProject): string {
  return (
    `managed storage is refused for project ${JSON.stringify(project.name)}: the core never hands its own S3 keys to an agent. ` +
    `An admin must either set BORELA_S3_ROLE_ARN on the core (each agent then gets short-lived credentials limited to its prefix), ` +
    `or attach keys that can only reach ${managedUrlPrefix(s3, project.storagePrefix)}/ with PUT ${agentKeysPath(project.id)} ` +
    `(dashboard: project settings, Managed storage); or give the agent its own replica with BORELA_REPLICA_URL`
  );
}

export function managedSource(s3: S3Settings | null, project: ManagedProject, hasAgentKeys: boolean): ManagedSource {
  if (!s3) return { kind: "off" };
  if (s3.roleArn) return { kind: "role", roleArn: s3.roleArn };
  if (hasAgentKeys) return { kind: "agent-keys" };
  return { kind: "refused", message: refusalMessage(s3, project) };
}

/** Equal strings, compared in constant time (SHA-256 digests, so lengths tell nothing either). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * Why keys offered as a project's agent keys are refused, or null when they are acceptable.
 * The operator's own key id or secret key is refused: attaching either would hand the operator's
 * secret (and with it the whole bucket) to one agent through GET /api/v1/agent/config.
 */
export function agentKeysProblem(s3: S3Settings | null, keys: { accessKeyId: string; secretAccessKey: string }): string | null {
  if (!s3) return null;
  if (keys.accessKeyId === s3.accessKeyId) {
    return "accessKeyId is the operator's own key (BORELA_S3_ACCESS_KEY_ID): attach keys limited to this project's prefix";
  }
  if (sameSecret(keys.secretAccessKey, s3.secretAccessKey)) {
    return "secretAccessKey is the operator's own secret key (BORELA_S3_SECRET_ACCESS_KEY): attach keys limited to this project's prefix";
  }
  return null;
}
