// Replica.managedBy was a column nothing wrote: every replica stayed "user", so a managed project's
// reported replica showed as the user's own and the sidecar snippets pinned its URL (BORELA_REPLICA_URL,
// dev.borela.replica) instead of leaving the agent to take its storage from the core. Now it is computed
// from the replica's URL and the core's managed bucket (storage/replica-manager.ts). The core runs with
// BORELA_S3_* pointing at fauxqs on loopback; the managed URL prefix comes from GET /api/v1/agent/config,
// as a managed-mode agent gets it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";
import { managedStorageEnv } from "../support/s3.ts";
import { useS3 } from "../support/use-s3.ts";

const s3 = useS3("managed", "own-bucket");
let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({
    BORELA_PUBLIC_URL: "https://borela.example.com",
    ...managedStorageEnv(s3, "managed"),
  });
});
afterAll(async () => {
  await core?.close();
});

/** A heartbeat reporting one database `app` whose one replica is `url`. */
function reporting(url: string, mode: "managed" | "byo") {
  const body = heartbeat();
  const [db] = body.databases as { replicas: { type: string; url: string }[] }[];
  db.replicas[0] = { ...db.replicas[0], type: "s3", url };
  return { ...body, mode };
}

async function managedUrlPrefix(p: { id: string; agentToken: string }): Promise<string> {
  const keys = await core.api("PUT", `/api/v1/projects/${p.id}/agent-storage-keys`, { body: { accessKeyId: "PROJECTKEY", secretAccessKey: "project-secret" } });
  expect(keys.status).toBe(204);
  const config = await core.api("GET", "/api/v1/agent/config", { token: p.agentToken });
  expect(config.status).toBe(200);
  return config.body.storage.urlPrefix;
}

async function snippetsOf(id: string) {
  const res = await core.api("GET", `/api/v1/projects/${id}/snippets`);
  expect(res.status).toBe(200);
  return res.body as Record<string, string>;
}

describe("who made a replica's storage", () => {
  it("a managed-mode replica in the project's prefix is borela's, and the snippets pin no replica URL", async () => {
    const p = await core.createProject("managed-shop");
    const prefix = await managedUrlPrefix(p);
    expect(prefix).toMatch(/^s3:\/\/managed\/managed-shop-[a-z0-9]{8}$/);
    const url = `${prefix}/app`;
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: reporting(url, "managed") })).status).toBeLessThan(300);

    const project = await core.api("GET", `/api/v1/projects/${p.id}`);
    expect(project.status).toBe(200);
    expect(project.body.databases[0].replicas[0]).toMatchObject({ url, managedBy: "borela" });

    const snippets = await snippetsOf(p.id);
    const compose = parse(snippets.compose).services.borela;
    expect(compose.environment.BORELA_REPLICA_URL).toBeUndefined();
    expect(JSON.stringify(snippets)).not.toContain(url);
  });

  it("a replica in the user's own bucket, or in another project's managed prefix, is the user's and stays pinned", async () => {
    const p = await core.createProject("own-shop");
    const other = await core.createProject("neighbour");
    const cases = [`s3://own-bucket/own-shop/app`, `${await managedUrlPrefix(other)}/app`];
    for (const url of cases) {
      expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: reporting(url, "byo") })).status).toBeLessThan(300);
      const project = await core.api("GET", `/api/v1/projects/${p.id}`);
      expect(project.body.databases[0].replicas).toHaveLength(1);
      expect(project.body.databases[0].replicas[0]).toMatchObject({ url, managedBy: "user" });
      const compose = parse((await snippetsOf(p.id)).compose).services.borela;
      expect(compose.environment.BORELA_REPLICA_URL).toBe(url);
    }
  });
});
