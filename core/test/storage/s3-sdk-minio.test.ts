// The core's SDK transport and the agent's signed transport against a second
// real S3 server, MinIO (which checks signatures, unlike fauxqs): the same
// objects, pages and byte ranges, and the same S3RequestError for a missing
// key, a missing bucket, an unknown key id and a wrong secret.
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedS3 } from "../../src/litestream/s3-objects.ts";
import type { S3Store, S3Transport } from "../../src/litestream/s3-transport.ts";
import { sdkS3 } from "../../src/storage/s3-sdk-objects.ts";
import { startMinio, type MinioServer } from "./minio.ts";

let minio: MinioServer;
const MANY = 1002;

beforeAll(async () => {
  minio = await startMinio();
  await minio.createBucket("replicas");
  const client = new S3Client({ endpoint: minio.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword } });
  try {
    await client.send(new PutObjectCommand({ Bucket: "replicas", Key: "db/0000/a b+c.ltx", Body: "minio bytes" }));
    for (let i = 0; i < MANY; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, MANY - i) }, (_, j) => client.send(new PutObjectCommand({ Bucket: "replicas", Key: `many/${String(i + j).padStart(5, "0")}`, Body: "x" }))));
    }
  } finally {
    client.destroy();
  }
}, 120_000);
afterAll(async () => {
  await minio?.stop();
});

const store = (over: Partial<S3Store> = {}): S3Store => ({
  bucket: "replicas",
  endpoint: minio.endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword },
  ...over,
});

async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await p };
  } catch (err) {
    const e = err as Error & { code?: unknown; status?: unknown };
    return { error: { message: e.message, code: e.code, status: e.status } };
  }
}

async function both(call: (t: S3Transport) => Promise<unknown>): Promise<unknown> {
  const signed = await outcome(call(signedS3));
  expect(await outcome(call(sdkS3))).toEqual(signed);
  return signed;
}

describe("signed and SDK transports on MinIO", () => {
  it("list two pages and read whole objects and byte ranges alike", async () => {
    const listed = (await both((t) => t.listObjects(store(), "many/"))) as { ok: { key: string }[] };
    expect(listed.ok.map((o) => o.key)).toEqual(Array.from({ length: MANY }, (_, i) => `many/${String(i).padStart(5, "0")}`));
    expect(await both((t) => t.getObject(store(), "db/0000/a b+c.ltx").then(String))).toEqual({ ok: "minio bytes" });
    expect(await both((t) => t.getObject(store(), "db/0000/a b+c.ltx", { range: [6, 10] }).then(String))).toEqual({ ok: "bytes" });
  }, 60_000);

  it("fail alike on a missing key, a missing bucket, an unknown key id and a wrong secret", async () => {
    expect(await both((t) => t.getObject(store(), "db/none"))).toMatchObject({ error: { code: "NoSuchKey", status: 404 } });
    expect(await both((t) => t.listObjects(store({ bucket: "absent" }), "db/"))).toMatchObject({ error: { code: "NoSuchBucket", status: 404 } });
    expect(await both((t) => t.listObjects(store({ credentials: { accessKeyId: "NOBODY", secretAccessKey: "x" } }), "db/"))).toMatchObject({
      error: { code: "InvalidAccessKeyId", status: 403, message: expect.stringMatching(/^s3 ListObjectsV2 bucket=replicas prefix=db\/: InvalidAccessKeyId \(HTTP 403\): /) },
    });
    expect(await both((t) => t.getObject(store({ credentials: { accessKeyId: minio.rootUser, secretAccessKey: "wrong" } }), "db/0000/a b+c.ltx"))).toMatchObject({
      error: { code: "SignatureDoesNotMatch", status: 403 },
    });
  }, 60_000);
});
