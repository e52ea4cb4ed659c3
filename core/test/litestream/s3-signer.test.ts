// The hand-written SigV4 signer must produce exactly what the AWS SDK's own
// signer (@smithy/signature-v4, installed with @aws-sdk/client-s3) produces:
// fauxqs accepts any signature, so this is what proves the signature itself.
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { canonicalQuery, EMPTY_SHA256, encodePath, signS3Request } from "../../src/litestream/s3-signer.ts";

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) => (typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

class NodeSha256 {
  private hash;
  constructor(private secret?: SourceData) {
    this.hash = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {
    this.hash = this.secret ? createHmac("sha256", bytes(this.secret)) : createHash("sha256");
  }
}

async function sdkAuthorization(req: { host: string; path: string; query: Record<string, string> }, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string, now: Date) {
  const signer = new SignatureV4({ service: "s3", region, credentials: creds, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: "GET",
      protocol: "http:",
      hostname: req.host.split(":")[0],
      port: Number(req.host.split(":")[1]) || undefined,
      path: encodePath(req.path),
      query: req.query,
      headers: { host: req.host, "x-amz-content-sha256": EMPTY_SHA256 },
    },
    { signingDate: now },
  );
  return signed.headers.authorization;
}

describe("signS3Request", () => {
  const now = new Date("2026-11-25T03:04:05.678Z");
  const cases: Array<[string, { host: string; path: string; query: Record<string, string> }, { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, string]> = [
    ["ListObjectsV2 path style", { host: "127.0.0.1:9000", path: "/bucket", query: { "list-type": "2", prefix: "app/primary/generations/" } }, { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }, "us-east-1"],
    ["GetObject with odd characters", { host: "bkt.s3.eu-west-1.amazonaws.com", path: "/my app/gen(1)/wal/00000000_00000000.wal.lz4", query: {} }, { accessKeyId: "AKID", secretAccessKey: "s" }, "eu-west-1"],
    ["continuation token and session token", { host: "s3.example.test", path: "/b", query: { "list-type": "2", prefix: "x y/", "continuation-token": "a+b/c=" } }, { accessKeyId: "ASIA1", secretAccessKey: "k", sessionToken: "FwoGZXIvYXdzE//token=" }, "auto"],
  ];

  it.each(cases)("matches the AWS SDK signer: %s", async (_name, req, creds, region) => {
    const ours = signS3Request({ method: "GET", ...req }, creds, region, now);
    expect(ours.authorization).toBe(await sdkAuthorization(req, creds, region, now));
    expect(ours["x-amz-date"]).toBe("20261125T030405Z");
    if (creds.sessionToken) expect(ours["x-amz-security-token"]).toBe(creds.sessionToken);
  });

  it("changes the signature when the secret changes", () => {
    const req = { method: "GET", host: "h", path: "/b", query: {} };
    expect(signS3Request(req, { accessKeyId: "a", secretAccessKey: "one" }, "us-east-1", now).authorization).not.toBe(
      signS3Request(req, { accessKeyId: "a", secretAccessKey: "two" }, "us-east-1", now).authorization,
    );
  });

  it("sorts and encodes the query the way S3 expects", () => {
    expect(canonicalQuery({ prefix: "a b/c", "list-type": "2", "continuation-token": "x*y" })).toBe("continuation-token=x%2Ay&list-type=2&prefix=a%20b%2Fc");
  });
});
