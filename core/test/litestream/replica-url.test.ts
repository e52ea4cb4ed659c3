import { describe, expect, it } from "vitest";
import { joinReplicaUrl, parseReplicaUrl, redactReplicaUrl, replicaUrl, ReplicaUrlError } from "../../src/litestream/replica-url.ts";

describe("parseReplicaUrl", () => {
  it("parses a file URL into an absolute directory", () => {
    expect(parseReplicaUrl("file:///var/backups/app/")).toMatchObject({ type: "file", path: "/var/backups/app", url: "file:///var/backups/app/" });
  });

  it("parses s3 with endpoint, region and path style from the query", () => {
    const t = parseReplicaUrl("s3://my-bucket/myapp/primary?endpoint=http://127.0.0.1:9000&region=eu-west-1&forcePathStyle=true");
    expect(t).toMatchObject({ type: "s3", bucket: "my-bucket", path: "myapp/primary", endpoint: "http://127.0.0.1:9000", region: "eu-west-1", forcePathStyle: true, credentials: null });
  });

  it("defaults to virtual-hosted style on AWS and path style with an endpoint", () => {
    expect(parseReplicaUrl("s3://b/p")).toMatchObject({ endpoint: null, forcePathStyle: null, region: null });
    expect(parseReplicaUrl("s3://b/p?endpoint=https://s3.example.test")).toMatchObject({ forcePathStyle: true });
  });

  it("reads Litestream's provider hosts (bucket.localhost:port)", () => {
    expect(parseReplicaUrl("s3://bkt.localhost:9000/db")).toMatchObject({ bucket: "bkt", endpoint: "http://localhost:9000", region: "us-east-1", forcePathStyle: true });
    expect(parseReplicaUrl("s3://bkt.s3.us-west-004.backblazeb2.com/db")).toMatchObject({ bucket: "bkt", endpoint: "https://s3.us-west-004.backblazeb2.com", region: "us-west-004" });
  });

  it("takes credentials from userinfo and keeps them out of the reported URL", () => {
    const t = parseReplicaUrl("s3://AKIAEXAMPLE:s3cr%2Fet@bucket/app");
    expect(t.type === "s3" && t.credentials).toEqual({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cr/et" });
    expect(replicaUrl(t)).toBe("s3://bucket/app");
    expect(replicaUrl(t)).not.toContain("s3cr");
  });

  it.each([
    ["relative", "backups/app", /not a URL/],
    ["unknown scheme", "gcs://bucket/app", /unsupported scheme "gcs"/],
    ["file with host", "file://host/dir", /has a host/],
    ["file root", "file:///", /names no directory/],
    ["bad endpoint", "s3://b/p?endpoint=ftp://x", /endpoint="ftp:\/\/x"/],
    ["bad path style", "s3://b/p?forcePathStyle=maybe", /forcePathStyle="maybe"/],
  ])("rejects %s with a message naming the value", (_what, url, message) => {
    expect(() => parseReplicaUrl(url)).toThrow(ReplicaUrlError);
    expect(() => parseReplicaUrl(url)).toThrow(message);
  });

  it("never echoes a secret in an error", () => {
    expect(() => parseReplicaUrl("gcs://KEY:supersecret@bucket/x")).toThrow(/^(?!.*supersecret)/);
  });
});

describe("redactReplicaUrl", () => {
  it("removes userinfo and secret-looking query values, keeps endpoint and region", () => {
    const out = redactReplicaUrl("s3://id:secret@b/p?endpoint=http://h:1&region=r&secret-access-key=zzz&X-Amz-Signature=abc&sessionToken=t");
    expect(out).toBe("s3://b/p?endpoint=http%3A%2F%2Fh%3A1&region=r");
  });
});

describe("joinReplicaUrl", () => {
  it("appends the database name before the query", () => {
    expect(joinReplicaUrl("s3://b/app/?endpoint=http://h:1", "primary")).toBe("s3://b/app/primary?endpoint=http://h:1");
    expect(joinReplicaUrl("file:///backups", "queue db")).toBe("file:///backups/queue%20db");
  });
});
