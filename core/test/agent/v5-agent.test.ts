// The agent on Litestream 0.5.16 (BORELA_LITESTREAM_VERSION=0.5), with a file
// replica and with an S3 (fauxqs) replica: it renders a 0.5 config (one
// `replica:` per database), compares the database's TXID (litestream_txid) with
// the replica's newest LTX max TXID, turns fresh, stays fresh through a
// checkpoint (a 6 MB insert), drills with exactly a plain 0.5 restore's counts,
// and is an error naming Litestream when it is killed (restarts off) while writes continue.
// On the old agent: 0.3 was the only binary and config, and no position moved.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { sleep } from "../support/wait-for.ts";
import { restore05 } from "../litestream/live-v5.ts";
import { runDrillNow, seededDatabase, tableCounts } from "../drills/fixtures.ts";
import { project, runAgent, s3Env, s3ReplicaUrl, startHarness, waitForStatus, type Harness, type TestAgent } from "./harness.ts";

let h: Harness;
let s3: S3Server;
const agents: TestAgent[] = [];
beforeAll(async () => {
  // This machine sets it; 0.5's S3 client refuses to start with it set to anything.
  process.env.AWS_CA_BUNDLE ??= "/etc/ssl/certs/ca-certificates.crt";
  h = await startHarness();
  s3 = await startS3();
  await s3.createBucket("v5agent");
});
afterAll(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await s3?.stop();
  await h?.close();
});

async function plainRestoreCounts(name: string, target: ReplicaTarget): Promise<Record<string, number>> {
  const output = path.join(h.dir.path, `${name}-plain.sqlite3`);
  const error = await restore05(path.join(h.dir.path, `${name}-plain`), target, output);
  expect(error).toBeNull();
  return tableCounts(output);
}

async function scenario(name: string, replicaUrl: string, target: ReplicaTarget, env: Record<string, string>, setup?: (projectId: string) => Promise<void>) {
  const p = await h.core.createProject(name, { staleAfterSeconds: 6, heartbeatGraceSeconds: 10 });
  await setup?.(p.id);
  const file = seededDatabase(path.join(h.dir.path, name));
  const agent = await runAgent({
    server: h.core.url,
    token: p.agentToken,
    databases: [file],
    replicaUrl,
    dir: h.dir.path,
    env: { BORELA_LITESTREAM_VERSION: "0.5", ...env },
    flags: { restartLitestream: false },
  });
  agents.push(agent);

  const fresh = await waitForStatus(h.core, p.id, "fresh", 30_000, (x) => (x.databases[0]?.replicas[0]?.position?.offset ?? 0) > 0);
  const db = fresh.databases[0];
  expect(db.position).toMatchObject({ generation: null, index: 0 });
  expect(db.replicas[0].position!.offset).toBeGreaterThanOrEqual(db.position!.offset);
  expect(agent.agent.lastPayload()!.litestreamVersion).toBe("v0.5.16");
  const rendered = readFileSync(path.join(agent.agent.settings.stateDir, "litestream.yml"), "utf8");
  expect(JSON.parse(rendered.replace(/^#.*\n/, "")).dbs[0].replica.type).toBe(target.type);

  // A checkpoint: one 6 MB insert passes 1000 WAL pages. The project stays fresh all along.
  const before = db.position!.offset;
  const conn = new Database(file);
  conn.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('big', ?, ?)").run("x".repeat(6_000_000), new Date().toISOString());
  conn.close();
  const statuses: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < 40; i++) {
    const now = await project(h.core, p.id);
    statuses.push(now.status);
    if (now.databases[0].position) seen.add(now.databases[0].position.offset);
    await sleep(250);
  }
  expect(statuses.filter((s) => s !== "fresh"), statuses.join(",")).toEqual([]);
  const after = await waitForStatus(h.core, p.id, "fresh", 10_000, (x) => x.databases[0].position!.offset > before && x.databases[0].replicas[0].position!.offset >= x.databases[0].position!.offset);
  expect(after.databases[0].replicas[0].pendingSince).toBeNull();

  // The drill restores exactly what a plain `litestream restore` (0.5) of the same replica restores: the live database.
  const drill = await runDrillNow(h.core, p.id);
  expect(drill.report.error ?? null).toBeNull();
  expect(drill.status).toBe("passed");
  expect(drill.report.layout).toBe("ltx");
  const plain = await plainRestoreCounts(name, target);
  expect(drill.report.tables).toEqual(plain);
  expect(plain).toEqual(tableCounts(file));

  // Litestream killed (the agent does not restart it) while the app writes: an error naming it, as on 0.3
  // (e2e-lifecycle.test.ts), not a stale of unknown cause; the changes wait all the same.
  agent.agent.supervisor!.kill();
  const writer = await startSqliteWriter({ path: file, ratePerSecond: 5, durationMs: 15_000 });
  const error = await waitForStatus(h.core, p.id, "error", 20_000, (x) => x.databases[0].replicas[0].pendingSince !== null);
  expect(error.statusReasons.join(" ")).toMatch(/Litestream is not running: killed by SIGKILL at \S+; restarts are off/);
  await writer.exited;
}

describe("agent on Litestream 0.5", () => {
  it("file replica: fresh, fresh through a checkpoint, drill = litestream restore, error naming Litestream when it is killed", async () => {
    const replica = path.join(h.dir.path, "file-replica");
    await scenario("v5-file", `file://${replica}`, { type: "file", path: replica }, {});
    expect(readdirSync(path.join(replica, "ltx")).sort()).toContain("9"); // the 0.5 layout, written by the 0.5 binary
  }, 150_000);

  it("S3 replica (fauxqs), AWS_CA_BUNDLE set: fresh, fresh through a checkpoint, drill = litestream restore, error naming Litestream when killed", async () => {
    const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const target: ReplicaTarget = { type: "s3", bucket: "v5agent", path: "app/primary", endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials };
    await scenario("v5-s3", s3ReplicaUrl(s3, "v5agent", "app/primary"), target, s3Env(s3), async (id) => {
      const put = await h.core.api("PUT", `/api/v1/projects/${id}/storage-credentials`, { body: { ...credentials, bucket: "v5agent", endpoint: s3.endpoint } });
      expect(put.status).toBe(204);
    });
  }, 150_000);

  it("a replica Litestream 0.5 cannot write (its directory under a regular file): error naming why (0.5 logs db=<file name>)", async () => {
    const p = await h.core.createProject("v5-broken", { staleAfterSeconds: 6, heartbeatGraceSeconds: 10 });
    const file = seededDatabase(path.join(h.dir.path, "v5-broken"));
    const blocker = path.join(h.dir.path, "v5-broken", "not-a-dir");
    writeFileSync(blocker, "x");
    agents.push(await runAgent({ server: h.core.url, token: p.agentToken, databases: [file], replicaUrl: `file://${blocker}/replica`, dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.5" } }));
    // From the agent's own storage read, and from Litestream's log (db=app.sqlite3, mapped to the database's path):
    // the agent's probe can turn it `error` a heartbeat before Litestream has logged its first failure.
    const fromLog = (r: string) => /^(litestream |sync failed)/.test(r) && r.includes("not a directory");
    const error = await waitForStatus(h.core, p.id, "error", 20_000, (x) => x.statusReasons.some(fromLog));
    expect(error.statusReasons.join(" ")).toMatch(/cannot read replica .*not a directory/);
    expect(error.statusReasons.some(fromLog), JSON.stringify(error.statusReasons)).toBe(true);
  }, 60_000);
});
