// An endpoint that answers ListObjectsV2 with HTTP 200 but no ListBucketResult
// (a web server, an API answering JSON) is an error naming the endpoint, not an
// empty replica ("no LTX file"). A real S3 (fauxqs) listing an empty prefix still lists nothing.
// Both transports: the agent's signed one and the core's SDK one (which parses an HTML page as an empty listing).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedS3 } from "../../src/litestream/s3-objects.ts";
import { sdkS3 } from "../../src/storage/s3-sdk-objects.ts";
import { s3ReplicaClient as s3ReplicaClientOf } from "../../src/litestream/client/s3.ts";
import { startS3, type S3Server } from "../support/s3.ts";

let notS3: http.Server;
let htmlEndpoint: string;
let html: http.Server;
let notS3Endpoint: string;
let s3: S3Server;
beforeAll(async () => {
  notS3 = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, items: [] }));
  });
  await new Promise<void>((resolve) => notS3.listen(0, "127.0.0.1", resolve));
  notS3Endpoint = `http://127.0.0.1:${(notS3.address() as AddressInfo).port}`;
  html = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><body>welcome</body></html>");
  });
  await new Promise<void>((resolve) => html.listen(0, "127.0.0.1", resolve));
  htmlEndpoint = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
  s3 = await startS3();
  await s3.createBucket("listed");
});
afterAll(async () => {
  await new Promise((resolve) => notS3?.close(resolve));
  await new Promise((resolve) => html?.close(resolve));
  await s3?.stop();
});

const store = (endpoint: string, bucket: string) => ({
  bucket,
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
});

describe.each([
  ["signed", signedS3],
  ["sdk", sdkS3],
] as const)("ListObjectsV2 answered 200 without a ListBucketResult (%s transport)", (_name, transport) => {
  const listObjects = transport.listObjects;
  const s3ReplicaClient = (target: Parameters<typeof s3ReplicaClientOf>[0]) => s3ReplicaClientOf(target, transport);
  it("is an error naming the endpoint, with code NotS3Listing", async () => {
    const err = await listObjects(store(notS3Endpoint, "b"), "db/").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NotS3Listing", status: 200 });
    expect((err as Error).message).toBe(
      `s3 ListObjectsV2 bucket=b prefix=db/: ${notS3Endpoint} answered HTTP 200 (application/json) without a ListBucketResult: is it an S3 endpoint?`,
    );
  });

  it("an HTML page answering 200 is no listing either", async () => {
    const err = await listObjects(store(htmlEndpoint, "b"), "db/").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NotS3Listing", status: 200 });
    expect((err as Error).message).toBe(
      `s3 ListObjectsV2 bucket=b prefix=db/: ${htmlEndpoint} answered HTTP 200 (text/html) without a ListBucketResult: is it an S3 endpoint?`,
    );
  });

  it("the replica client's listing fails (not an empty list), naming the replica and the endpoint", async () => {
    const client = s3ReplicaClient({ type: "s3", path: "db", ...store(notS3Endpoint, "b") });
    await expect(client.list({ timeoutMs: 5000 })).rejects.toThrow(new RegExp(`^cannot read replica s3://b/db.*${notS3Endpoint.replace(/\./g, "\\.")} answered HTTP 200`));
  });

  it("a real S3 listing of an empty prefix still lists nothing", async () => {
    expect(await listObjects(store(s3.endpoint, "listed"), "db/")).toEqual([]);
    expect(await s3ReplicaClient({ type: "s3", path: "db", ...store(s3.endpoint, "listed") }).list({ timeoutMs: 5000 })).toEqual({ ltx: [], generations: [] });
  });
});
