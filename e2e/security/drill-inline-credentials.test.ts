// Inline `KEY:SECRET@` replica URLs were used by drills and echoed unredacted
// in the API, drill progress and errors, and logs. A heartbeat carrying one is
// now refused (400, secret not echoed); a Replica row that holds one anyway
// (stored before that check) is refused by the drill — no request is signed
// with it — and the secret appears in no API response and no log line.
// The S3 server here accepts the inline key (fauxqs takes any key the test
// lists), so the old code read the replica with it and passed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startS3, type S3Server } from "../../core/test/support/s3.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { reportDatabase, runDrillNow } from "../../core/test/drills/fixtures.ts";
import { replicatedDatabase } from "./drill-support.ts";

const KEY = "AKIAINLINEKEY";
const SECRET = "inline-Secret-0123456789";
let core: TestCore;
let s3: S3Server;
let tmp: TmpDir;
beforeAll(async () => {
  s3 = await startS3({ extraAccessKeyIds: [KEY] });
  await s3.createBucket("byo");
  tmp = await tmpDir("borela-sec-inline-");
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
  await s3?.stop();
  await tmp?.remove();
});

const inlineUrl = () => `s3://${KEY}:${SECRET}@byo/app?endpoint=${encodeURIComponent(s3.endpoint)}`;

describe("inline credentials in a replica URL", () => {
  it("a heartbeat carrying them is a 400 that does not echo them", async () => {
    const p = await core.createProject("inline-refused");
    const hb = heartbeat() as any;
    hb.databases[0].replicas[0] = { ...hb.databases[0].replicas[0], type: "s3", url: inlineUrl() };
    const res = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^body\/databases\/0\/replicas\/0\/url .*credentials/);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it("a stored row carrying them: the drill refuses it, signs nothing with them, and never shows them", async () => {
    const p = await core.createProject("inline-stored");
    const file = await replicatedDatabase(path.join(tmp.path, "app"), {
      type: "s3",
      bucket: "byo",
      path: "app",
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await reportDatabase(core, p.agentToken, file, `s3://byo/app?endpoint=${encodeURIComponent(s3.endpoint)}`);
    // As a row written before the ingest check existed.
    const database = await core.store.database.findFirstOrThrow({ where: { projectId: p.id } });
    await core.store.replica.updateMany({ where: { databaseId: database.id }, data: { url: inlineUrl() } });
    const usedBefore = s3.requestsByKey().get(KEY) ?? 0;

    const drill = await runDrillNow(core, p.id);

    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(/^replica URL s3:\/\/byo\/app\?endpoint=.* carries credentials \(user:pass@\); the core never reads with credentials from a reported URL/);
    expect(s3.requestsByKey().get(KEY) ?? 0).toBe(usedBefore);
    const shown = [
      JSON.stringify(drill),
      JSON.stringify((await core.api("GET", `/api/v1/projects/${p.id}/drills`)).body),
      JSON.stringify((await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body),
      core.logs(),
    ].join("\n");
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(KEY);
  });
});
