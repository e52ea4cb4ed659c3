// The core listened before it settled the admin token (ending sessions signed in under another one takes an
// scrypt hash): /healthz answered 200 while the configured admin token got 401 "invalid admin token", for
// seconds under load (the Coolify template test saw it). Once /healthz answers, the configured token works,
// on a first start and on the next one with the same data dir.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/server/start.ts";
import { freePort } from "../support/ports.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "borela-admin-ready-"));
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts a core and polls it from the moment its port opens: the admin answer right after the first healthy /healthz. */
async function firstAdminAnswer(adminToken: string): Promise<number> {
  const port = await freePort();
  const starting = startServer({ env: { BORELA_ADMIN_TOKEN: adminToken, BORELA_LOG_LEVEL: "warn" }, dataDir, host: "127.0.0.1", port });
  void starting.then((s) => servers.push(s));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 20_000; i++) {
      const health = await fetch(`${base}/healthz`).catch(() => null);
      if (health?.status === 200) {
        return (await fetch(`${base}/api/v1/projects`, { headers: { authorization: `Bearer ${adminToken}` } })).status;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    throw new Error("no /healthz answer in 20000 tries");
  } finally {
    await starting;
  }
}

describe("the admin token is settled before the port opens", () => {
  it("a configured admin token works as soon as /healthz answers, on a first start and after a token change", async () => {
    expect(await firstAdminAnswer("bradm_ready_one")).toBe(200);
    await servers.pop()!.close();
    // The token changed: sessions signed in under the old one end, again before the port opens.
    expect(await firstAdminAnswer("bradm_ready_two")).toBe(200);
  });
});
