import { stat, readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { renderLitestreamConfig, writeLitestreamConfig, LitestreamConfigError } from "../../src/litestream/config.ts";
import { parseLitestreamConfig } from "../../src/litestream/config-file.ts";
import { expandEnv } from "../../src/litestream/expand-env.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const s3 = (over: object = {}) => ({
  type: "s3" as const,
  bucket: "bkt",
  path: "app/primary",
  endpoint: "http://127.0.0.1:9000",
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" },
  ...over,
});

describe("renderLitestreamConfig", () => {
  it("writes 0.3.13 syntax with addr, file and s3 replicas", () => {
    const { yaml, env } = renderLitestreamConfig({
      addr: "127.0.0.1:9999",
      databases: [{ path: "/data/app.db", replicas: [s3({ syncInterval: "1s" }), { type: "file", path: "/backups/app" }] }],
    });
    const doc = YAML.parse(yaml);
    expect(doc.addr).toBe("127.0.0.1:9999");
    expect(doc.dbs[0].path).toBe("/data/app.db");
    expect(doc.dbs[0].replicas[0]).toEqual({
      name: "s3",
      type: "s3",
      bucket: "bkt",
      path: "app/primary",
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      "force-path-style": true,
      "access-key-id": "AKID",
      "secret-access-key": "SECRET",
      "sync-interval": "1s",
    });
    expect(doc.dbs[0].replicas[1]).toEqual({ name: "file", type: "file", path: "/backups/app" });
    expect(env).toEqual({});
  });

  it("moves session credentials to the environment, out of the file", () => {
    const { yaml, env } = renderLitestreamConfig({
      addr: null,
      databases: [{ path: "/d.db", replicas: [s3({ credentials: { accessKeyId: "ASIA", secretAccessKey: "S", sessionToken: "TOKEN" } })] }],
    });
    expect(yaml).not.toContain("ASIA");
    expect(yaml).not.toContain("TOKEN");
    expect(env).toEqual({ AWS_ACCESS_KEY_ID: "ASIA", AWS_SECRET_ACCESS_KEY: "S", AWS_SESSION_TOKEN: "TOKEN" });
  });

  it("carries retention timings from a user's litestream.yml through to the rendered file", () => {
    const parsed = parseLitestreamConfig(
      "dbs:\n  - path: /data/app.db\n    replicas:\n      - type: file\n        path: /backups/app\n        retention: 3s\n        retention-check-interval: 2s\n        snapshot-interval: 1h\n",
      {},
    );
    const { yaml } = renderLitestreamConfig({ addr: null, databases: parsed.databases.map((d) => ({ path: d.path, replicas: d.replicas })) });
    expect(YAML.parse(yaml).dbs[0].replicas[0]).toEqual({
      name: "file",
      type: "file",
      path: "/backups/app",
      retention: "3s",
      "retention-check-interval": "2s",
      "snapshot-interval": "1h",
    });
  });

  it("names replicas of the same type apart", () => {
    const { yaml } = renderLitestreamConfig({ addr: null, databases: [{ path: "/d.db", replicas: [{ type: "file", path: "/a" }, { type: "file", path: "/b" }] }] });
    expect(YAML.parse(yaml).dbs[0].replicas.map((r: { name: string }) => r.name)).toEqual(["file1", "file2"]);
  });

  it("refuses a relative database path and a database without replica", () => {
    expect(() => renderLitestreamConfig({ addr: null, databases: [{ path: "app.db", replicas: [{ type: "file", path: "/a" }] }] })).toThrow(/"app.db" is not absolute/);
    expect(() => renderLitestreamConfig({ addr: null, databases: [{ path: "/app.db", replicas: [] }] })).toThrow(/\/app.db has no replica/);
  });
});

describe("writeLitestreamConfig", () => {
  let dir: TmpDir;
  afterEach(() => dir?.remove());

  it("writes the file 0600 inside a 0700 directory", async () => {
    dir = await tmpDir();
    const target = path.join(dir.path, "private");
    const { path: file } = await writeLitestreamConfig(target, { addr: null, databases: [{ path: "/d.db", replicas: [s3()] }] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(target)).mode & 0o777).toBe(0o700);
    expect(YAML.parse(await readFile(file, "utf8")).dbs[0].replicas[0]["secret-access-key"]).toBe("SECRET");
  });
});

describe("parseLitestreamConfig", () => {
  it("expands ${VAR} and $VAR like Litestream and reads url and field replicas", () => {
    const text = `
addr: ":9090"
access-key-id: \${KEY}
secret-access-key: $SECRET
dbs:
  - path: /data/\${APP}.db
    replicas:
      - url: s3://bucket/\${APP}
        sync-interval: 1s
      - type: s3
        bucket: other
        path: /x/
        endpoint: http://127.0.0.1:9000
      - path: /backups/app
`;
    const config = parseLitestreamConfig(text, { KEY: "K", SECRET: "S", APP: "shop" });
    expect(config.addr).toBe(":9090");
    const [db] = config.databases;
    expect(db.path).toBe("/data/shop.db");
    expect(db.replicas[0]).toMatchObject({ type: "s3", bucket: "bucket", path: "shop", syncInterval: "1s", credentials: { accessKeyId: "K", secretAccessKey: "S" } });
    expect(db.replicas[1]).toMatchObject({ type: "s3", bucket: "other", path: "x", endpoint: "http://127.0.0.1:9000", forcePathStyle: true });
    expect(db.replicas[2]).toEqual({ type: "file", name: undefined, path: "/backups/app" });
  });

  it("leaves text alone when expansion is off", () => {
    const config = parseLitestreamConfig("dbs:\n  - path: /a/$X.db\n    replicas:\n      - path: /b\n", { X: "no" }, { expandEnv: false });
    expect(config.databases[0].path).toBe("/a/$X.db");
  });

  it.each([
    ["no dbs", "addr: x\n", /lists no databases/],
    ["no replicas", "dbs:\n  - path: /a.db\n", /\/a.db has no replicas/],
    ["unknown type", "dbs:\n  - path: /a.db\n    replicas:\n      - type: gcs\n        bucket: b\n", /replica type "gcs"/],
    ["s3 without bucket", "dbs:\n  - path: /a.db\n    replicas:\n      - type: s3\n", /s3 replica has no bucket/],
    ["bad yaml", "dbs: [\n", /not valid YAML/],
  ])("rejects %s", (_what, text, message) => {
    expect(() => parseLitestreamConfig(text, {})).toThrow(LitestreamConfigError);
    expect(() => parseLitestreamConfig(text, {})).toThrow(message);
  });
});

describe("expandEnv", () => {
  it("replaces unset variables with empty strings", () => {
    expect(expandEnv("a=${A} b=$B c=${C}", { A: "1", B: "2" })).toBe("a=1 b=2 c=");
  });
});
