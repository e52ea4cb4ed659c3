// Read credentials for a restore: the operator's for managed replicas, the
// project's stored ones or the worker's environment for bring-your-own S3,
// none for file replicas — and a clear error when there are none.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { MissingCredentialsError, restoreTarget } from "../../src/drills/replica-target.ts";

const operator = loadConfig({
  BORELA_DATA_DIR: "/tmp/borela-unused",
  BORELA_S3_BUCKET: "borela-managed",
  BORELA_S3_ENDPOINT: "http://127.0.0.1:9000",
  BORELA_S3_ACCESS_KEY_ID: "OPERATORKEY",
  BORELA_S3_SECRET_ACCESS_KEY: "operator-secret",
});
const noOperator = loadConfig({ BORELA_DATA_DIR: "/tmp/borela-unused" });

describe("restoreTarget", () => {
  it("reads file replicas directly", () => {
    expect(restoreTarget("file:///var/backups/app", "p1", noOperator, {})).toMatchObject({ type: "file", path: "/var/backups/app" });
  });

  it("uses the operator's storage for managed replicas under the project's prefix", () => {
    const target = restoreTarget("s3://borela-managed/p1/app", "p1", operator, {});
    expect(target).toMatchObject({
      type: "s3",
      bucket: "borela-managed",
      path: "p1/app",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      credentials: { accessKeyId: "OPERATORKEY", secretAccessKey: "operator-secret" },
    });
  });

  it("does not lend the operator's credentials to another project's prefix", () => {
    expect(() => restoreTarget("s3://borela-managed/p2/app", "p1", operator, {})).toThrow(MissingCredentialsError);
  });

  it("prefers the project's stored credentials for their bucket, then the worker's environment", () => {
    const stored = { accessKeyId: "STORED", secretAccessKey: "stored-secret", bucket: "byo", endpoint: "http://127.0.0.1:9100", region: "eu-1" };
    expect(restoreTarget("s3://byo/app", "p1", noOperator, { AWS_ACCESS_KEY_ID: "ENV" , AWS_SECRET_ACCESS_KEY: "e" }, stored)).toMatchObject({
      endpoint: "http://127.0.0.1:9100",
      region: "eu-1",
      credentials: { accessKeyId: "STORED" },
    });
    const fromEnv = restoreTarget("s3://other/app?endpoint=http%3A%2F%2F127.0.0.1%3A9200", "p1", noOperator, { AWS_ACCESS_KEY_ID: "ENV", AWS_SECRET_ACCESS_KEY: "env-secret" }, stored);
    expect(fromEnv).toMatchObject({ bucket: "other", endpoint: "http://127.0.0.1:9200", credentials: { accessKeyId: "ENV", secretAccessKey: "env-secret" } });
  });

  it("says which replica lacks read credentials and how to give them", () => {
    expect(() => restoreTarget("s3://byo/shop/app", "p1", noOperator, {})).toThrow(
      /^no read credentials for replica s3:\/\/byo\/shop\/app: store them with PUT \/api\/v1\/projects\/<id>\/storage-credentials, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });
});
