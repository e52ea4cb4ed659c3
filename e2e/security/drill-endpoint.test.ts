// The drill worker goes where the agent says: a replica URL in a heartbeat
// carried `?endpoint=http://127.0.0.1:PORT`, and drills sent requests signed
// with the operator's key (managed replicas) or the project's stored key
// (bring-your-own) to that endpoint. Now the core decides: the managed
// endpoint and keys come from BORELA_S3_*, a bring-your-own replica's from the
// storage credentials an admin stored. A trap listener named as the endpoint
// must see no request at all, while the drill reads the real S3 server and
// restores what a plain `litestream restore` restores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startS3, type S3Server } from "../../core/test/support/s3.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { reportDatabase, runDrillNow } from "../../core/test/drills/fixtures.ts";
import type { S3Replica } from "../../core/src/litestream/replica-url.ts";
import { plainRestoreCounts, replicatedDatabase, startTrap, type Trap } from "./drill-support.ts";

const MANAGED = "borela-managed";
let core: TestCore;
let s3: S3Server;
let trap: Trap;
let tmp: TmpDir;
beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket(MANAGED);
  await s3.createBucket("byo");
  trap = await startTrap();
  tmp = await tmpDir("borela-sec-endpoint-");
  core = await startTestCore({
    BORELA_S3_BUCKET: MANAGED,
    BORELA_S3_ENDPOINT: s3.endpoint,
    BORELA_S3_ACCESS_KEY_ID: s3.accessKeyId,
    BORELA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  });
});
afterAll(async () => {
  await core?.close();
  await s3?.stop();
  await trap?.close();
  await tmp?.remove();
});

function realTarget(bucket: string, key: string): S3Replica {
  return { type: "s3", bucket, path: key, endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } };
}

const toTrap = () => `endpoint=${encodeURIComponent(trap.url)}&region=trap-1&forcePathStyle=true`;

describe("a drill never sends a request to an endpoint named in a heartbeat", () => {
  it("managed replica: reads with the core's own endpoint and keys, the trap sees 0 requests", async () => {
    const p = await core.createProject("managed-endpoint");
    const { storagePrefix } = await core.store.project.findUniqueOrThrow({ where: { id: p.id } });
    const target = realTarget(MANAGED, `${storagePrefix}/app`);
    const file = await replicatedDatabase(path.join(tmp.path, "managed"), target);
    await reportDatabase(core, p.agentToken, file, `s3://${MANAGED}/${storagePrefix}/app?${toTrap()}`);

    const drill = await runDrillNow(core, p.id);

    expect(trap.requests).toEqual([]);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(await plainRestoreCounts(tmp.path, target));
  });

  it("bring-your-own replica: reads with the stored endpoint, region and keys, the trap sees 0 requests", async () => {
    const p = await core.createProject("byo-endpoint");
    const put = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, {
      body: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, bucket: "byo", endpoint: s3.endpoint },
    });
    expect(put.status).toBe(204);
    const target = realTarget("byo", "shop/app");
    const file = await replicatedDatabase(path.join(tmp.path, "byo"), target);
    await reportDatabase(core, p.agentToken, file, `s3://byo/shop/app?${toTrap()}`);

    const drill = await runDrillNow(core, p.id);

    expect(trap.requests).toEqual([]);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(await plainRestoreCounts(tmp.path, target));
  });

  it("bring-your-own replica without stored credentials: the worker's own AWS keys are not lent to the named endpoint", async () => {
    const p = await core.createProject("byo-env");
    const file = await replicatedDatabase(path.join(tmp.path, "byo-env"), realTarget("byo", "env/app"));
    await reportDatabase(core, p.agentToken, file, `s3://byo/env/app?${toTrap()}`);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = "WORKERKEY";
    process.env.AWS_SECRET_ACCESS_KEY = "worker-secret-key";
    let drill;
    try {
      drill = await runDrillNow(core, p.id);
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }

    expect(trap.requests).toEqual([]);
    // The core cannot read it: the drill could not run (nothing is said of the backup), naming what to store.
    expect(drill.status).toBe("error");
    expect(drill.report.error).toMatch(/^no read credentials for replica s3:\/\/byo\/env\/app.*PUT \/api\/v1\/projects\/<id>\/storage-credentials/);
  });
});
