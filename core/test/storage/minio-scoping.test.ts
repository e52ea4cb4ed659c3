// Scoped credentials against a real S3 server that enforces policies (MinIO,
// built by scripts/install-minio.sh): the core's AssumeRole with the prefix
// session policy gives an agent keys that read, write, list and delete under
// its own prefix, replicate and restore with real Litestream there, and are
// refused everywhere else: the bucket root, another project's prefix (read,
// write, delete, list, restore) and a sibling prefix that merely starts with
// the same characters.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { assumeRoleCredentials, type ReplicaCredentials } from "../../src/storage/scoped-credentials.ts";
import type { S3Settings } from "../../src/config.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { restore } from "../../src/litestream/commands.ts";
import { addRows, replicate, seededDatabase, tableCounts } from "../drills/fixtures.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { minioClient, s3Outcome, startMinio, type MinioServer } from "./minio.ts";

const BUCKET = "borela-managed";
let minio: MinioServer;
let tmp: TmpDir;
let operator: S3Settings;
let credsA: ReplicaCredentials;
let credsB: ReplicaCredentials;

beforeAll(async () => {
  minio = await startMinio();
  await minio.createBucket(BUCKET);
  tmp = await tmpDir("borela-minio-scoping-");
  operator = {
    bucket: BUCKET,
    endpoint: minio.endpoint,
    region: "us-east-1",
    accessKeyId: minio.rootUser,
    secretAccessKey: minio.rootPassword,
    forcePathStyle: true,
    roleArn: "arn:minio:iam:::role/borela-agents",
  };
  credsA = await assumeRoleCredentials(operator, "shop-a1");
  credsB = await assumeRoleCredentials(operator, "shop-b1");
  // Another project's objects and a sibling prefix that starts like A's, written by the operator.
  const root = client({ accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword, sessionToken: null, expiresAt: null });
  for (const key of ["shop-b1/app/secret-rows", "shop-a1-other/app/x"]) await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "theirs" }));
  root.destroy();
}, 90_000);
afterAll(async () => {
  await minio?.stop();
  await tmp?.remove();
});

const client = (c: ReplicaCredentials) => minioClient(minio, c);
const denied = s3Outcome;

function target(prefix: string, c: ReplicaCredentials): ReplicaTarget {
  return { type: "s3", bucket: BUCKET, path: `${prefix}/app`, endpoint: minio.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { ...c, expiresAt: c.expiresAt?.toISOString() ?? null } };
}

describe("MinIO AssumeRole with the prefix session policy", () => {
  it("hands out temporary keys, not the operator's", () => {
    expect(credsA.accessKeyId).not.toBe(minio.rootUser);
    expect(credsA.sessionToken).toBeTruthy();
    expect(credsA.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("lets project A put, get, list and delete under its own prefix", async () => {
    const a = client(credsA);
    try {
      await a.send(new PutObjectCommand({ Bucket: BUCKET, Key: "shop-a1/app/mine", Body: "ours" }));
      expect(await (await a.send(new GetObjectCommand({ Bucket: BUCKET, Key: "shop-a1/app/mine" }))).Body!.transformToString()).toBe("ours");
      const listed = await a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "shop-a1/" }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual(["shop-a1/app/mine"]);
      const deeper = await a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "shop-a1/app/", Delimiter: "/" }));
      expect(deeper.Contents?.map((o) => o.Key)).toEqual(["shop-a1/app/mine"]);
      await a.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "shop-a1/app/mine" }));
    } finally {
      a.destroy();
    }
  });

  it("refuses project A the bucket root, project B's prefix and a sibling prefix", async () => {
    const a = client(credsA);
    try {
      expect(await denied(a.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toBe("AccessDenied");
      expect(await denied(a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "shop-b1/" })))).toBe("AccessDenied");
      expect(await denied(a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "shop-a1" })))).toBe("AccessDenied");
      expect(await denied(a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "shop-a1-other/" })))).toBe("AccessDenied");
      expect(await denied(a.send(new GetObjectCommand({ Bucket: BUCKET, Key: "shop-b1/app/secret-rows" })))).toBe("AccessDenied");
      expect(await denied(a.send(new PutObjectCommand({ Bucket: BUCKET, Key: "shop-b1/app/planted", Body: "x" })))).toBe("AccessDenied");
      expect(await denied(a.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "shop-b1/app/secret-rows" })))).toBe("AccessDenied");
      expect(await denied(a.send(new GetObjectCommand({ Bucket: BUCKET, Key: "shop-a1-other/app/x" })))).toBe("AccessDenied");
      expect(await denied(a.send(new ListBucketsCommand({})))).toBe("AccessDenied");
    } finally {
      a.destroy();
    }
  });

  it("replicates and restores with real Litestream under the policy; B's keys cannot restore A's rows", async () => {
    const dir = path.join(tmp.path, "a");
    const file = seededDatabase(dir);
    await replicate(dir, file, target("shop-a1", credsA), [(f) => addRows(f, 3, 7)]);
    const expected = tableCounts(file);
    const own = path.join(tmp.path, "restored-by-a.sqlite3");
    await restore({ replica: target("shop-a1", credsA) }, { outputPath: own, timeoutMs: 60_000 });
    expect(tableCounts(own)).toEqual(expected);
    const stolen = path.join(tmp.path, "restored-by-b.sqlite3");
    await expect(restore({ replica: target("shop-a1", credsB) }, { outputPath: stolen, timeoutMs: 60_000 })).rejects.toThrow(/AccessDenied|Access Denied/);
  }, 120_000);
});
