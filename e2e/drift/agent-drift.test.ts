// Drift on the agent's side: a token that no longer works, a moved database
// file, a sidecar that did not come back after a reboot, Litestream stopped
// while the app keeps writing, storage credentials that stopped working.
import { rename, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { expectAlert, expectResolved } from "./world.ts";
import { useWorld } from "./use-world.ts";

const world = useWorld();

async function scenario(name: string) {
  return world.scenario(name);
}

describe("drift on the agent's side", () => {
  it("1. the agent's token is revoked → silent, naming the revoked token; a new token → fresh", async () => {
    const s = await scenario("revoked");
    const tokens = (await world.core.api("GET", `/api/v1/projects/${s.projectId}/tokens`)).body;
    const t0 = Date.now();
    expect((await world.core.api("DELETE", `/api/v1/projects/${s.projectId}/tokens/${tokens[0].id}`)).status).toBe(204);
    await expectAlert(s, "silent", /revoked agent token/, /^\[Borela\] SILENT: revoked — the agent is sending heartbeats with a revoked agent token; none accepted for /, t0);
    expect(s.agent!.logs.join("")).toMatch(/revoked|401/);
    const fresh = await world.core.api("POST", `/api/v1/projects/${s.projectId}/tokens`, { body: {} });
    await s.stopAgent();
    await s.startAgent({ token: fresh.body.agentToken });
    await expectResolved(s);
  });

  it("2. the database file is moved away and an empty file appears in its place → error naming the path", async () => {
    const s = await scenario("moved");
    await s.writer!.stop();
    const t0 = Date.now();
    await rename(s.dbPath, `${s.dbPath}.moved`);
    await writeFile(s.dbPath, "");
    await expectAlert(s, "error", new RegExp(s.dbPath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")), /^\[Borela\] ERROR: moved \/ app/, t0);
    await rename(`${s.dbPath}.moved`, s.dbPath);
    await s.stopAgent();
    await s.startAgent();
    await expectResolved(s);
  });

  it("3. the whole sidecar is stopped, as after a reboot that did not restart it → silent; started again → fresh", async () => {
    const s = await scenario("rebooted");
    const t0 = Date.now();
    await s.stopAgent();
    await expectAlert(s, "silent", /no heartbeat for .* is the agent running\?/, /^\[Borela\] SILENT: rebooted/, t0);
    await s.startAgent();
    await expectResolved(s);
  });

  it("4. Litestream alone stops (restarts off) while the app keeps writing → error naming it; Litestream back → fresh", async () => {
    const s = await scenario("litestream-stopped");
    await s.stopAgent();
    await s.startAgent({ restartLitestream: false });
    const t0 = Date.now();
    s.agent!.agent.supervisor!.kill();
    // The agent knows the cause: an error naming it, not a stale of unknown cause (core/test/agent/e2e-lifecycle.test.ts).
    await expectAlert(s, "error", /Litestream is not running: killed by SIGKILL/, /^\[Borela\] ERROR: litestream-stopped \/ app/, t0);
    await s.stopAgent();
    await s.startAgent();
    await expectResolved(s);
  });

  it("5. the storage credentials are revoked → error naming the replica; valid credentials → fresh", async () => {
    const s = await scenario("bad-credentials");
    await s.stopAgent();
    const t0 = Date.now();
    await s.startAgent({ accessKeyId: "REVOKED-KEY" });
    await expectAlert(s, "error", /replica s3:\/\/backups\/bad-credentials\/app.*InvalidAccessKeyId/s, /^\[Borela\] ERROR: bad-credentials \/ app/, t0);
    await s.stopAgent();
    await s.startAgent();
    await expectResolved(s);
  });
});
