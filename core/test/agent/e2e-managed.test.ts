// Managed mode: no replica URL on the agent; the core hands out its bucket
// (BORELA_S3_* pointing at fauxqs on loopback), this project's prefix and the
// keys an admin attached to the project (never the operator's own), and the
// agent replicates there. Expiring credentials are
// refreshed before they run out and Litestream restarts with the new ones.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConfigResponse } from "../../src/protocol.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { managedStorageEnv, startS3, type S3Server } from "../support/s3.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, waitForStatus, type TestAgent } from "./harness.ts";
import { useHarness } from "./use-harness.ts";

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3({ extraAccessKeyIds: ["ASIAFIRSTKEY", "ASIASECONDKEY", "PROJECTKEYMANAGED"] });
  await s3.createBucket("managed");
});
afterAll(() => s3?.stop());

describe("managed replica from the core", () => {
  const h = useHarness(() => managedStorageEnv(s3, "managed"));

  it("replicates to <bucket>/<project prefix>/<database> with the project's attached keys → fresh", async () => {
    const p = await h.core.createProject("managed", { staleAfterSeconds: 5, heartbeatGraceSeconds: 10 });
    const attached = await h.core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: { accessKeyId: "PROJECTKEYMANAGED", secretAccessKey: "project-secret-managed" } });
    expect(attached.status).toBe(204);
    const dbPath = path.join(h.dir.path, "primary.sqlite3");
    createDatabase(dbPath, 10);
    const agent = await h.runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.3" } });
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 1500 });
    await writer.exited;
    const fresh = await waitForStatus(h.core, p.id, "fresh", 20_000, (x) => (x.databases[0]?.replicas[0]?.storageBytes ?? 0) > 0);
    const url = fresh.databases[0].replicas[0].url;
    expect(url).toMatch(/^s3:\/\/managed\/.+\/primary$/);
    expect(url).not.toContain(s3.secretAccessKey);
    expect(agent.agent.lastPayload()!.mode).toBe("managed");
    // Started once: the first settings must not restart a Litestream that has just started (a tester saw a
    // SIGTERM 2 ms after the start, and "exited without its final sync").
    expect(agent.agent.supervisor!.status().restarts).toBe(0);
    expect(agent.logs.join("")).not.toContain("restarting litestream");
    expect(s3.requestsByKey().get("PROJECTKEYMANAGED") ?? 0).toBeGreaterThan(0);
    // The core may use its own keys (drills, storage checks); the agent's Litestream never gets them.
    const stateDir = readdirSync(h.dir.path).find((f) => f.startsWith("agent-state-"))!;
    const rendered = readFileSync(path.join(h.dir.path, stateDir, "litestream.yml"), "utf8");
    expect(rendered).toContain("PROJECTKEYMANAGED");
    expect(rendered).not.toContain(s3.accessKeyId);
    expect(rendered).not.toContain(s3.secretAccessKey);
    const prefix = url.replace("s3://managed/", "");
    const stored = await readReplica({ type: "s3", bucket: "managed", path: prefix, endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    expect(stored.storageBytes).toBeGreaterThan(0);
    expect(stored.generation).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("managed mode without storage on the core", () => {
  const h = useHarness();

  it("reports the missing replica as an error that says what to set", async () => {
    const p = await h.core.createProject("nostorage", { staleAfterSeconds: 5, heartbeatGraceSeconds: 10 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    createDatabase(dbPath, 1);
    const agent = await h.runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.3" } });
    const e = await waitForStatus(h.core, p.id, "error", 10_000);
    expect(e.statusReasons.join("\n")).toContain("no replica configured: set BORELA_REPLICA_URL or configure BORELA_S3_* on the core");
    expect(agent.agent.supervisor!.status().running).toBe(false);
  });
});

describe("expiring credentials", () => {
  let dir: TmpDir;
  let agent: TestAgent | null = null;
  afterAll(async () => {
    await agent?.stop();
    await dir?.remove();
  });

  it("are refreshed before expiry and Litestream restarts with the new ones", async () => {
    dir = await tmpDir();
    const dbPath = path.join(dir.path, "app.sqlite3");
    createDatabase(dbPath, 10);
    const answers: AgentConfigResponse[] = [
      { projectId: "p", projectName: "p", heartbeatIntervalSeconds: 1, storage: storage("ASIAFIRSTKEY", new Date(Date.now() + 6000).toISOString()) },
      { projectId: "p", projectName: "p", heartbeatIntervalSeconds: 1, storage: storage("ASIASECONDKEY", null) },
    ];
    let calls = 0;
    agent = await runAgent({
      server: "http://127.0.0.1:9", // heartbeats go nowhere here; only replication matters
      token: "brag_test",
      databases: [dbPath],
      dir: dir.path,
      env: { BORELA_LITESTREAM_VERSION: "0.3" },
      deps: { fetchConfig: async () => ({ kind: "ok", status: 200, value: answers[Math.min(calls++, 1)] }) },
    });
    await waitFor(() => (s3.requestsByKey().get("ASIAFIRSTKEY") ?? 0) > 0, { timeoutMs: 10_000, what: "Litestream to use the first key" });
    await waitFor(() => calls >= 2 && agent!.agent.supervisor!.status().restarts >= 1, { timeoutMs: 15_000, what: "the refresh and a Litestream restart" });
    const write = async () => (await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 1000 })).exited;
    await write();
    await waitFor(() => (s3.requestsByKey().get("ASIASECONDKEY") ?? 0) > 0, { timeoutMs: 10_000, what: "Litestream to use the second key" });
    // Requests begun before the switch (the old Litestream's final sync, a storage read under way) may
    // still land with the first key; from here on, every write must go out with the second one only.
    await new Promise((r) => setTimeout(r, 2000));
    const firstCount = s3.requestsByKey().get("ASIAFIRSTKEY") ?? 0;
    const secondCount = s3.requestsByKey().get("ASIASECONDKEY") ?? 0;
    await write();
    await waitFor(() => (s3.requestsByKey().get("ASIASECONDKEY") ?? 0) > secondCount, { timeoutMs: 10_000, what: "the next writes replicated with the second key" });
    expect(s3.requestsByKey().get("ASIAFIRSTKEY")).toBe(firstCount);
    expect(agent.logs.join("")).not.toContain("secret-for-");
  });

  function storage(key: string, expiresAt: string | null): NonNullable<AgentConfigResponse["storage"]> {
    return {
      urlPrefix: "s3://managed/refresh-test",
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      accessKeyId: key,
      secretAccessKey: `secret-for-${key}`,
      sessionToken: `session-${key}`,
      expiresAt,
    };
  }
});
