// The AgentStorageKey record: per-project keys for managed mode, encrypted at
// rest with the core's secret key (AES-256-GCM, see store/secrets.ts).
//
//   readAgentKeys(store, key, projectId): Promise<AgentKeys | null>
//   saveAgentKeys(store, key, projectId, keys): Promise<void>     replaces any earlier pair
//   agentKeysSummary(store, key, projectId): Promise<{ accessKeyIdHint, createdAt } | null>
import type { Store } from "../store/db.ts";
import { decryptSecret, encryptSecret } from "../store/secrets.ts";

export interface AgentKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export async function readAgentKeys(store: Store, key: Buffer, projectId: string): Promise<AgentKeys | null> {
  const row = await store.agentStorageKey.findUnique({ where: { projectId } });
  if (!row) return null;
  return { accessKeyId: decryptSecret(key, row.accessKeyIdEnc), secretAccessKey: decryptSecret(key, row.secretKeyEnc) };
}

export async function saveAgentKeys(store: Store, key: Buffer, projectId: string, keys: AgentKeys): Promise<void> {
  const data = { accessKeyIdEnc: encryptSecret(key, keys.accessKeyId), secretKeyEnc: encryptSecret(key, keys.secretAccessKey), createdAt: new Date() };
  await store.agentStorageKey.upsert({ where: { projectId }, create: { projectId, ...data }, update: data });
}

/** `AKIA…XY` style hint of the key id: never the secret. */
function keyHint(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-2)}`;
}

export async function agentKeysSummary(store: Store, key: Buffer, projectId: string): Promise<{ accessKeyIdHint: string; createdAt: Date } | null> {
  const row = await store.agentStorageKey.findUnique({ where: { projectId } });
  if (!row) return null;
  return { accessKeyIdHint: keyHint(decryptSecret(key, row.accessKeyIdEnc)), createdAt: row.createdAt };
}
