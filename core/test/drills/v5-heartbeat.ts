// A heartbeat as a Litestream 0.5 agent sends it, posted straight to a test core.
import { expect } from "vitest";
import type { TestCore } from "../support/core-server.ts";

/** A 0.5 position: the TXID in `offset` and `txid`, no generation. */
export const tx = (txid: number) => ({ generation: null, index: 0, offset: txid, txid });

/**
 * Posts one heartbeat for database `app` at `file` with its file replica at `replicaDir`: the database's
 * TXID and the replica's newest stored TXID (`changedAt` when given); expects 201, then waits for the sweep.
 */
export async function postV5Heartbeat(core: TestCore, token: string, file: string, replicaDir: string, databaseTxid: number, replicaTxid: number, changedAt?: Date): Promise<void> {
  const res = await core.api("POST", "/api/v1/heartbeats", {
    token,
    body: {
      agentVersion: "test",
      sentAt: new Date().toISOString(),
      databases: [
        {
          name: "app",
          path: file,
          exists: true,
          position: tx(databaseTxid),
          ...(changedAt ? { changedAt: changedAt.toISOString() } : {}),
          replicas: [{ type: "file", url: `file://${replicaDir}`, position: tx(replicaTxid), pendingSince: null }],
          errors: [],
        },
      ],
      errors: [],
    },
  });
  expect(res.status).toBe(201);
  await core.app.sweeper.idle();
}
