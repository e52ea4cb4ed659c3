// A bring-your-own S3 replica: the drill needs read credentials. Without them
// it fails saying how to give them; stored through the API (encrypted at rest)
// it restores from the real S3-compatible server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, replicate, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";

let core: TestCore;
let s3: S3Server;
let tmp: TmpDir;
beforeAll(async () => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.LITESTREAM_ACCESS_KEY_ID;
  delete process.env.LITESTREAM_SECRET_ACCESS_KEY;
  core = await startTestCore();
  s3 = await startS3();
  await s3.createBucket("byo");
  tmp = await tmpDir("borela-s3-drill-");
});
afterAll(async () => {
  await core?.close();
  await s3?.stop();
  await tmp?.remove();
});

describe("drills of a bring-your-own S3 replica", () => {
  it("fails without read credentials, then passes with credentials stored through the API", async () => {
    const file = seededDatabase(tmp.path);
    const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    await replicate(tmp.path, file, { type: "s3", bucket: "byo", path: "shop/app", endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials }, [(f) => addRows(f, 3, 3)]);
    const url = `s3://byo/shop/app?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1`;
    const p = await core.createProject("byo-s3");
    await reportDatabase(core, p.agentToken, file, url);

    const without = await runDrillNow(core, p.id);
    expect(without.status).toBe("failed");
    expect(without.report.error).toMatch(/no read credentials for replica s3:\/\/byo\/shop\/app.*PUT \/api\/v1\/projects\/<id>\/storage-credentials/);

    const put = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { ...credentials, bucket: "byo", endpoint: s3.endpoint } });
    expect(put.status).toBe(204);
    const shown = await core.api("GET", `/api/v1/projects/${p.id}/storage-credentials`);
    expect(shown.body).toMatchObject({ configured: true, bucket: "byo", accessKeyIdHint: expect.stringContaining("…") });
    expect(JSON.stringify(shown.body)).not.toContain(s3.secretAccessKey);
    const raw = readFileSync(path.join(core.config.dataDir, "borela.db"));
    expect(raw.includes(Buffer.from(s3.secretAccessKey))).toBe(false);

    const passed = await runDrillNow(core, p.id);
    expect(passed.report.error ?? null).toBeNull();
    expect(passed.status).toBe("passed");
    expect(passed.report.tables).toEqual(tableCounts(file));
  });

  it("refuses bad credential input with a 400 and keeps nothing", async () => {
    const p = await core.createProject("byo-bad");
    const res = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { accessKeyId: "x", secretAccessKey: "short", bucket: "b" } });
    expect(res.status).toBe(400);
    expect((await core.api("GET", `/api/v1/projects/${p.id}/storage-credentials`)).body).toEqual({ configured: false });
  });
});
