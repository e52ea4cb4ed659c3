// Drills of managed replicas on a real S3-compatible server (fauxqs on
// loopback): the operator's storage settings give the read credentials. A good
// backup and a point in time restore exactly; an empty prefix is "no backup
// found" at once; storage that is down is an infrastructure error, retried
// until it is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { addRows, replicate, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";

const BUCKET = "borela-managed";
let core: TestCore;
let s3: S3Server;
let tmp: TmpDir;
beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket(BUCKET);
  core = await startTestCore({
    BORELA_S3_BUCKET: BUCKET,
    BORELA_S3_ENDPOINT: s3.endpoint,
    BORELA_S3_ACCESS_KEY_ID: s3.accessKeyId,
    BORELA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  });
  tmp = await tmpDir("borela-s3-managed-");
});
afterAll(async () => {
  await core?.close();
  await s3?.stop();
  await tmp?.remove();
});

async function managedProject(name: string) {
  const project = await core.createProject(name);
  const { storagePrefix } = await core.store.project.findUniqueOrThrow({ where: { id: project.id } });
  const target: ReplicaTarget = {
    type: "s3",
    bucket: BUCKET,
    path: `${storagePrefix}/app`,
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
  const dir = path.join(tmp.path, name);
  return { project, target, url: `s3://${BUCKET}/${storagePrefix}/app`, dir, file: seededDatabase(dir) };
}

describe("drills of managed S3 replicas", () => {
  it("passes a good backup with the exact counts, and restores a point in time", async () => {
    const m = await managedProject("managed-good");
    let midpoint = new Date();
    let atMidpoint: Record<string, number> = {};
    await replicate(m.dir, m.file, m.target, [
      (f) => addRows(f, 4, 8),
      async (f) => {
        atMidpoint = tableCounts(f);
        await new Promise((r) => setTimeout(r, 600));
        midpoint = new Date();
        await new Promise((r) => setTimeout(r, 600));
      },
      (f) => addRows(f, 30, 30),
    ]);
    await reportDatabase(core, m.project.agentToken, m.file, m.url);

    const latest = await runDrillNow(core, m.project.id);
    expect(latest.report.error ?? null).toBeNull();
    expect(latest.status).toBe("passed");
    expect(latest.report.tables).toEqual(tableCounts(m.file));
    expect(latest.report.replica).toBe(m.url);

    const past = await runDrillNow(core, m.project.id, { timestamp: midpoint.toISOString() });
    expect(past.status).toBe("passed");
    expect(past.report.tables).toEqual(atMidpoint);
    expect(Date.parse(past.report.restorePoint)).toBeLessThanOrEqual(midpoint.getTime());
  });

  it("fails at once with 'no backup found' for an empty prefix", async () => {
    const m = await managedProject("managed-empty");
    await reportDatabase(core, m.project.agentToken, m.file, m.url);
    const drill = await runDrillNow(core, m.project.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe(`no backup found in ${m.url}`);
    expect(drill.attempts).toBe(1);
  });

  it("retries while storage is down and passes once it is back", async () => {
    const m = await managedProject("managed-outage");
    await replicate(m.dir, m.file, m.target, [(f) => addRows(f, 2, 2)]);
    await reportDatabase(core, m.project.agentToken, m.file, m.url);
    await s3.down();
    let id = "";
    try {
      const res = await core.api("POST", `/api/v1/projects/${m.project.id}/drills`, { body: {} });
      id = res.body.id;
      await waitFor(async () => ((await core.store.drill.findUnique({ where: { id } }))?.error ? true : null), {
        timeoutMs: 10_000,
        what: "the first attempt to meet the outage",
      });
      const waiting = await core.store.drill.findUniqueOrThrow({ where: { id } });
      expect(waiting.status).toBe("queued");
      expect(waiting.error).toMatch(/cannot read replica s3:\/\/borela-managed\//);
    } finally {
      await s3.up();
    }
    const done = await waitFor(
      async () => {
        const row = await core.store.drill.findUnique({ where: { id } });
        return row && ["passed", "failed", "error"].includes(row.status) ? row : null;
      },
      { timeoutMs: 20_000, what: "the retried drill to finish" },
    );
    expect(done.status).toBe("passed");
    expect(done.attempts).toBe(2);
    expect(JSON.parse(done.report!).tables).toEqual(tableCounts(m.file));
  });
});
