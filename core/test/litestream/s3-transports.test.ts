// The agent's signed S3 transport and the core's SDK transport read the same
// objects and fail in the same words (S3RequestError code, status and message;
// ReplicaReadError's "cannot read replica …"), against fauxqs in-process and
// two small loopback servers answering as S3 does when it refuses.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedS3 } from "../../src/litestream/s3-objects.ts";
import { sdkS3 } from "../../src/storage/s3-sdk-objects.ts";
import type { S3Store, S3Transport } from "../../src/litestream/s3-transport.ts";
import { s3ReplicaClient } from "../../src/litestream/client/s3.ts";
import { startS3, type S3Server } from "../support/s3.ts";

let s3: S3Server;
let refusing: http.Server;
let refusingEndpoint: string;
const MANY = 1003;

beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket("replicas");
  const client = s3.client();
  await client.send(new PutObjectCommand({ Bucket: "replicas", Key: "db/0000/one", Body: "hello, replica" }));
  await client.send(new PutObjectCommand({ Bucket: "replicas", Key: "db/generations/x y&z", Body: "spaced" }));
  for (let i = 0; i < MANY; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, MANY - i) }, (_, j) => client.send(new PutObjectCommand({ Bucket: "replicas", Key: `many/${String(i + j).padStart(5, "0")}`, Body: "x" }))),
    );
  }
  client.destroy();
  // AccessDenied with an S3 error body for /denied/…, a bare 403 for the rest.
  refusing = http.createServer((req, res) => {
    if (req.url!.startsWith("/denied")) res.writeHead(403, { "content-type": "application/xml" }).end("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
    else res.writeHead(403).end();
  });
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  refusingEndpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => refusing?.close(resolve));
  await s3?.stop();
});

const store = (over: Partial<S3Store> = {}): S3Store => ({
  bucket: "replicas",
  endpoint: s3.endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  ...over,
});

type Outcome = { ok: unknown } | { error: { name: string; message: string; code: unknown; status: unknown } };
async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (err) {
    const e = err as Error & { code?: unknown; status?: unknown };
    return { error: { name: e.constructor.name, message: e.message, code: e.code, status: e.status } };
  }
}

/** Runs one call on both transports; they must agree; returns the signed one's outcome. */
async function both(call: (t: S3Transport) => Promise<unknown>): Promise<Outcome> {
  const signed = await outcome(call(signedS3));
  const sdk = await outcome(call(sdkS3));
  expect(sdk).toEqual(signed);
  return signed;
}

describe("signed and SDK S3 transports", () => {
  it("list every page of a prefix alike, and stop at maxPages", async () => {
    const listed = (await both((t) => t.listObjects(store(), "many/"))) as { ok: { key: string; size: number }[] };
    expect(listed.ok).toHaveLength(MANY);
    expect(listed.ok[MANY - 1]).toMatchObject({ key: `many/${String(MANY - 1).padStart(5, "0")}`, size: 1 });
    expect(await both((t) => t.listObjects(store(), "many/", { maxPages: 1 }))).toMatchObject({
      error: { code: "TooManyPages", message: "s3 ListObjectsV2 bucket=replicas prefix=many/: more than 1 pages" },
    });
  });

  it("get an object whole, a byte range of it, and refuse one over maxBytes", async () => {
    expect(await both((t) => t.getObject(store(), "db/0000/one").then(String))).toEqual({ ok: "hello, replica" });
    expect(await both((t) => t.getObject(store(), "db/generations/x y&z").then(String))).toEqual({ ok: "spaced" });
    expect(await both((t) => t.getObject(store(), "db/0000/one", { range: [0, 4], maxBytes: 5 }).then(String))).toEqual({ ok: "hello" });
    expect(await both((t) => t.getObject(store(), "db/0000/one", { maxBytes: 4 }))).toMatchObject({
      error: { code: "TooLarge", message: "s3 response for replicas/db/0000/one exceeds 4 bytes" },
    });
  });

  it("fail alike on a missing key, a missing bucket and unknown credentials", async () => {
    expect(await both((t) => t.getObject(store(), "db/0000/gone"))).toMatchObject({
      error: { name: "S3RequestError", code: "NoSuchKey", status: 404, message: expect.stringMatching(/^s3 GetObject bucket=replicas key=db\/0000\/gone: NoSuchKey \(HTTP 404\)/) },
    });
    expect(await both((t) => t.listObjects(store({ bucket: "absent" }), "db/"))).toMatchObject({
      error: { code: "NoSuchBucket", status: 404, message: expect.stringMatching(/^s3 ListObjectsV2 bucket=absent prefix=db\/: NoSuchBucket \(HTTP 404\)/) },
    });
    const wrongKey = store({ credentials: { accessKeyId: "WRONGKEY", secretAccessKey: "x" } });
    expect(await both((t) => t.listObjects(wrongKey, "db/"))).toMatchObject({
      error: { code: "InvalidAccessKeyId", status: 403, message: expect.stringContaining("InvalidAccessKeyId (HTTP 403): The AWS Access Key Id you provided does not exist") },
    });
    // No credentials: both send the request unsigned (fauxqs's hook refuses it as it does an unknown key).
    expect(await both((t) => t.listObjects(store({ credentials: null }), "db/"))).toMatchObject({ error: { code: "InvalidAccessKeyId", status: 403 } });
  });

  it("fail alike on AccessDenied, on a 403 without a body, on a closed port and on a stalled server", async () => {
    expect(await both((t) => t.getObject(store({ endpoint: refusingEndpoint, bucket: "denied" }), "k"))).toMatchObject({
      error: { code: "AccessDenied", status: 403, message: "s3 GetObject bucket=denied key=k: AccessDenied (HTTP 403): Access Denied" },
    });
    expect(await both((t) => t.listObjects(store({ endpoint: refusingEndpoint, bucket: "bare" }), "p/"))).toMatchObject({
      error: { code: "HTTP403", status: 403, message: "s3 ListObjectsV2 bucket=bare prefix=p/: HTTP403 (HTTP 403)" },
    });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await both((t) => t.listObjects(store({ endpoint: `http://127.0.0.1:${port}` }), "db/"))).toMatchObject({
      error: { code: "ECONNREFUSED", status: null, message: `s3 request to 127.0.0.1:${port} failed: ECONNREFUSED` },
    });
    const release = s3.stall();
    try {
      expect(await both((t) => t.getObject(store(), "db/0000/one", { timeoutMs: 300 }))).toMatchObject({
        error: { code: "Timeout", status: null, message: `s3 request to 127.0.0.1:${s3.port} timed out after 300 ms` },
      });
    } finally {
      release();
    }
  });

  it("give the replica client the same 'cannot read replica' error", async () => {
    const target = { type: "s3" as const, path: "db", ...store() };
    const read = (t: S3Transport) => s3ReplicaClient(target, t).read({ key: "db/0000/gone" });
    expect(await both(read)).toMatchObject({
      error: { name: "ReplicaReadError", code: "NoSuchKey", message: expect.stringMatching(/^cannot read replica s3:\/\/replicas\/db\?.*: s3 GetObject bucket=replicas key=db\/0000\/gone: NoSuchKey/) },
    });
  });
});
