// Ordinary ways a backup silently stops, each reported as `error` with a
// reason that names what broke: the database file moved away, storage that
// refuses the credentials, a bucket that does not exist. S3 is fauxqs on
// loopback; its onRequest hook (test/support/s3.ts) rejects unknown access key
// ids with S3's InvalidAccessKeyId, as real S3 does.
import { rename } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3, type S3Server } from "../support/s3.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, s3Env, s3ReplicaUrl, startHarness, waitForStatus, type Harness, type TestAgent } from "./harness.ts";

let h: Harness;
let s3: S3Server;
const agents: TestAgent[] = [];

beforeAll(async () => {
  h = await startHarness();
  s3 = await startS3();
  await s3.createBucket("backups");
});

afterAll(async () => {
  for (const a of agents) await a.stop();
  await s3?.stop();
  await h?.close();
});

async function setup(name: string, replica: (dir: string) => { url: string; env?: Record<string, string> }) {
  const p = await h.core.createProject(name, { staleAfterSeconds: 5, heartbeatGraceSeconds: 10 });
  const dbPath = path.join(h.dir.path, `${name}.sqlite3`);
  createDatabase(dbPath, 10);
  const r = replica(h.dir.path);
  const agent = await runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], replicaUrl: r.url, env: r.env, dir: h.dir.path });
  agents.push(agent);
  return { projectId: p.id, dbPath, agent };
}

describe("agent-reported errors", () => {
  it("database file moved away → error naming the path", async () => {
    const { projectId, dbPath, agent } = await setup("moved", (dir) => ({ url: `file://${path.join(dir, "moved-replica")}` }));
    await waitForStatus(h.core, projectId, "fresh", 15_000);
    await rename(dbPath, `${dbPath}.elsewhere`);
    const p = await waitForStatus(h.core, projectId, "error", 10_000, (d) => d.databases[0]?.exists === false);
    expect(p.databases[0].exists).toBe(false);
    expect(p.statusReasons.join("\n")).toContain(dbPath);
    expect(p.databases[0].errors.join("\n")).toContain(`database file ${dbPath} was moved or deleted`);
    expect(agent.logs.join("")).toContain(`database file ${dbPath} was moved or deleted`);
  });

  it("wrong storage credentials → error naming the replica", async () => {
    const url = s3ReplicaUrl(s3, "backups", "wrong-key/app");
    const { projectId, agent } = await setup("wrongkey", () => ({ url, env: s3Env(s3, "NOT-A-KNOWN-KEY") }));
    const p = await waitForStatus(h.core, projectId, "error", 15_000);
    const reasons = p.statusReasons.join("\n");
    expect(reasons).toContain("replica s3://backups/wrong-key/app");
    expect(reasons).toMatch(/InvalidAccessKeyId/);
    expect(p.databases[0].replicas[0].lastError).toMatch(/InvalidAccessKeyId/);
    expect(s3.rejectedRequests()).toBeGreaterThan(0);
    expect(agent.logs.join("")).not.toContain(s3.secretAccessKey);
  });

  it("missing bucket → error naming the replica", async () => {
    const url = s3ReplicaUrl(s3, "no-such-bucket", "app");
    const { projectId } = await setup("nobucket", () => ({ url, env: s3Env(s3) }));
    const p = await waitForStatus(h.core, projectId, "error", 15_000);
    expect(p.statusReasons.join("\n")).toContain("replica s3://no-such-bucket/app");
    expect(p.databases[0].replicas[0].lastError).toMatch(/NoSuchBucket/);
  });
});
