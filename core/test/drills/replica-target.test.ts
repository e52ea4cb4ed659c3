// Where a drill reads, decided by the core: the operator's storage for managed
// replicas, the project's stored credentials (endpoint, region, keys) for
// bring-your-own S3, never the endpoint, region or keys of the reported URL;
// file replicas only under BORELA_FILE_REPLICA_ROOTS.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { MissingCredentialsError, readTarget, ReplicaRefusedError, restoreTarget } from "../../src/drills/replica-target.ts";

const operator = loadConfig({
  BORELA_DATA_DIR: "/tmp/borela-unused",
  BORELA_S3_BUCKET: "borela-managed",
  BORELA_S3_ENDPOINT: "http://127.0.0.1:9000",
  BORELA_S3_ACCESS_KEY_ID: "OPERATORKEY",
  BORELA_S3_SECRET_ACCESS_KEY: "operator-secret",
});
const noOperator = loadConfig({ BORELA_DATA_DIR: "/tmp/borela-unused", BORELA_FILE_REPLICA_ROOTS: "/var/backups, /srv/replicas" });
const stored = { accessKeyId: "STORED", secretAccessKey: "stored-secret", bucket: "byo", endpoint: "http://127.0.0.1:9100", region: "eu-1" };
const trap = encodeURIComponent("http://127.0.0.1:9999");

describe("restoreTarget", () => {
  it("reads file replicas directly", () => {
    expect(restoreTarget("file:///var/backups/app", "p1", noOperator)).toMatchObject({ type: "file", path: "/var/backups/app" });
  });

  it("uses the operator's storage for managed replicas under the project's prefix, whatever endpoint the URL names", () => {
    for (const url of ["s3://borela-managed/p1/app", `s3://borela-managed/p1/app?endpoint=${trap}&region=evil&forcePathStyle=false`]) {
      expect(restoreTarget(url, "p1", operator)).toMatchObject({
        type: "s3",
        bucket: "borela-managed",
        path: "p1/app",
        endpoint: "http://127.0.0.1:9000",
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: "OPERATORKEY", secretAccessKey: "operator-secret" },
      });
    }
  });

  it("does not lend the operator's credentials to another project's prefix, nor to a prefix that only starts alike", () => {
    expect(() => restoreTarget("s3://borela-managed/p2/app", "p1", operator)).toThrow(MissingCredentialsError);
    expect(() => restoreTarget("s3://borela-managed/p10/app", "p1", operator)).toThrow(/outside this project's prefix p1\//);
    // The URL parser resolves plain dot segments (this is p2/app); encoded ones survive it and are refused.
    expect(() => restoreTarget("s3://borela-managed/p1/../p2/app", "p1", operator)).toThrow(MissingCredentialsError);
    expect(() => restoreTarget("s3://borela-managed/p1/..%2Fp2/app", "p1", operator)).toThrow(ReplicaRefusedError);
  });

  it("reads bring-your-own S3 with the stored endpoint, region and keys, never the URL's", () => {
    expect(restoreTarget(`s3://byo/app?endpoint=${trap}&region=evil`, "p1", noOperator, stored)).toMatchObject({
      endpoint: "http://127.0.0.1:9100",
      region: "eu-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "STORED", secretAccessKey: "stored-secret" },
    });
    expect(restoreTarget("s3://byo/app", "p1", noOperator, { ...stored, endpoint: null })).toMatchObject({ endpoint: null, forcePathStyle: null });
  });

  it("says which replica lacks read credentials and how to give them; the worker's environment is not used", () => {
    const before = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = "ENV";
    process.env.AWS_SECRET_ACCESS_KEY = "env-secret";
    try {
      expect(() => restoreTarget(`s3://other/app?endpoint=${trap}`, "p1", noOperator, null)).toThrow(
        /^no read credentials for replica s3:\/\/other\/app\?endpoint=.*: store them with PUT \/api\/v1\/projects\/<id>\/storage-credentials \(bucket other;/,
      );
      // Credentials stored for another bucket: the message names both buckets.
      expect(() => restoreTarget(`s3://other/app?endpoint=${trap}`, "p1", noOperator, stored)).toThrow(
        /^the read credentials stored for this project are for bucket byo, and replica s3:\/\/other\/app\?endpoint=.* is in bucket other: store them again with bucket other/,
      );
    } finally {
      process.env = before;
    }
  });

  it("refuses credentials in the URL without echoing them", () => {
    let message = "";
    try {
      restoreTarget(`s3://AKIAEXAMPLE:SUPERSECRET@byo/app?endpoint=${trap}`, "p1", noOperator, stored);
    } catch (err) {
      expect(err).toBeInstanceOf(ReplicaRefusedError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/carries credentials/);
    expect(message).not.toMatch(/SUPERSECRET|AKIAEXAMPLE/);
  });
});

describe("readTarget: file replicas only under BORELA_FILE_REPLICA_ROOTS", () => {
  it("refuses a directory outside the roots, naming the variable, also when spelt with encoded dot segments", async () => {
    await expect(readTarget("file:///etc/ssl", "p1", noOperator)).rejects.toThrow(/file replica \/etc\/ssl is outside BORELA_FILE_REPLICA_ROOTS \(\/var\/backups, \/srv\/replicas\)/);
    await expect(readTarget("file:///var/backups/x/..%2F..%2F..%2Fetc", "p1", noOperator)).rejects.toThrow(ReplicaRefusedError);
    await expect(readTarget("file:///var/backups-other/app", "p1", noOperator)).rejects.toThrow(/BORELA_FILE_REPLICA_ROOTS/);
  });

  it("defaults to the data dir", () => {
    expect(loadConfig({ BORELA_DATA_DIR: "/srv/borela" }).fileReplicaRoots).toEqual(["/srv/borela"]);
    expect(loadConfig({ BORELA_DATA_DIR: "/srv/borela", BORELA_FILE_REPLICA_ROOTS: " ,/a, /b/ " }).fileReplicaRoots).toEqual(["/a", "/b"]);
  });
});
