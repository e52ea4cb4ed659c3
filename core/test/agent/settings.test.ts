import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAgentYaml } from "../../src/agent/agent-file.ts";
import { defaultDatabaseName, loadAgentSettings, AgentSettingsError } from "../../src/agent/settings.ts";
import { ConfigError } from "../../src/config.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const base = { BORELA_SERVER: "http://127.0.0.1:8787", BORELA_AGENT_TOKEN: "brag_token" };

let dir: TmpDir;
beforeAll(async () => {
  dir = await tmpDir();
});
afterAll(() => dir.remove());

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir.path, name);
  await writeFile(p, text);
  return p;
}

// The exact format the Rails generator writes.
const RAILS_YAML = `server: \${BORELA_SERVER}
token: \${BORELA_AGENT_TOKEN}
heartbeatIntervalSeconds: 30
databases:
  - name: primary
    path: /rails/storage/production.sqlite3
    replica: s3://my-bucket/myapp/primary   # optional (bring-your-own)
  - path: /rails/storage/production_cache.sqlite3
`;

describe("loadAgentSettings from the environment alone", () => {
  it("watches BORELA_DATABASES in managed mode with defaults", async () => {
    const s = await loadAgentSettings({}, { ...base, BORELA_DATABASES: "/data/app.sqlite3, /data/queue.db" });
    expect(s.mode).toBe("managed");
    expect(s.server).toBe("http://127.0.0.1:8787");
    expect(s.heartbeatIntervalSeconds).toBe(30);
    expect(s.intervalExplicit).toBe(false);
    expect(s.statusFile).toBe(path.join(s.stateDir, "status.json")); // per agent: see agentPaths
    expect(s.databases).toEqual([
      { name: "app", path: "/data/app.sqlite3", replicas: [] },
      { name: "queue", path: "/data/queue.db", replicas: [] },
    ]);
  });

  it("gives each database <BORELA_REPLICA_URL>/<name> when there are several", async () => {
    const s = await loadAgentSettings({}, { ...base, BORELA_DATABASES: "/data/app.sqlite3,/data/queue.db", BORELA_REPLICA_URL: "file:///backups" });
    expect(s.mode).toBe("byo");
    expect(s.databases.map((d) => d.replicas[0])).toMatchObject([
      { type: "file", path: "/backups/app" },
      { type: "file", path: "/backups/queue" },
    ]);
  });

  it("uses BORELA_REPLICA_URL as is for a single database, with ambient S3 keys", async () => {
    const s = await loadAgentSettings({}, { ...base, BORELA_DATABASES: "/d/app.db", BORELA_REPLICA_URL: "s3://bkt/app?endpoint=http://127.0.0.1:9000", LITESTREAM_ACCESS_KEY_ID: "K", LITESTREAM_SECRET_ACCESS_KEY: "S" });
    expect(s.databases[0].replicas[0]).toMatchObject({ type: "s3", bucket: "bkt", path: "app", endpoint: "http://127.0.0.1:9000", credentials: { accessKeyId: "K", secretAccessKey: "S" } });
  });

  it("reads the interval and the status file", async () => {
    const s = await loadAgentSettings({}, { ...base, BORELA_DATABASES: "/d/a.db", BORELA_HEARTBEAT_INTERVAL_SECONDS: "2", BORELA_AGENT_STATUS_FILE: "/tmp/x/status.json" });
    expect(s.heartbeatIntervalSeconds).toBe(2);
    expect(s.sampleIntervalSeconds).toBe(2);
    expect(s.intervalExplicit).toBe(true);
    expect(s.statusFile).toBe("/tmp/x/status.json");
  });
});

describe("precedence: flags > env > file", () => {
  it("takes the file, then overrides it from env, then from flags", async () => {
    const p = await file("agent.yml", RAILS_YAML);
    const fromFile = await loadAgentSettings({ config: p }, base);
    expect(fromFile.databases.map((d) => d.name)).toEqual(["primary", "production_cache"]);
    expect(fromFile.databases[0].replicas[0]).toMatchObject({ bucket: "my-bucket", path: "myapp/primary" });
    expect(fromFile.databases[1].replicas).toEqual([]);
    expect(fromFile.mode).toBe("managed");
    expect(fromFile.heartbeatIntervalSeconds).toBe(30);

    const fromEnv = await loadAgentSettings({}, { ...base, BORELA_CONFIG: p, BORELA_HEARTBEAT_INTERVAL_SECONDS: "5", BORELA_DATABASES: "/x/other.db" });
    expect(fromEnv.heartbeatIntervalSeconds).toBe(5);
    expect(fromEnv.databases.map((d) => d.path)).toEqual(["/x/other.db"]);

    const fromFlags = await loadAgentSettings({ config: p, interval: "7", server: "https://core.example.test/", database: ["/y/z.db"] }, { ...base, BORELA_HEARTBEAT_INTERVAL_SECONDS: "5" });
    expect(fromFlags).toMatchObject({ heartbeatIntervalSeconds: 7, server: "https://core.example.test" });
    expect(fromFlags.databases.map((d) => d.path)).toEqual(["/y/z.db"]);
  });
});

describe("errors name the bad value", () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ["relative path", { ...base, BORELA_DATABASES: "storage/app.db" }, /database path "storage\/app.db" from BORELA_DATABASES is not absolute/],
    ["missing server", { BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "/a.db" }, /no server: set BORELA_SERVER/],
    ["bad server URL", { ...base, BORELA_SERVER: "core:8787x", BORELA_DATABASES: "/a.db" }, /BORELA_SERVER="core:8787x" is not/],
    ["missing token", { BORELA_SERVER: "http://x", BORELA_DATABASES: "/a.db" }, /no agent token: set BORELA_AGENT_TOKEN/],
    ["bad replica URL", { ...base, BORELA_DATABASES: "/a.db", BORELA_REPLICA_URL: "ftp://host/x" }, /BORELA_REPLICA_URL: .*unsupported scheme "ftp"/],
    ["no databases", { ...base }, /no database to watch: set BORELA_DATABASES/],
    ["bad interval", { ...base, BORELA_DATABASES: "/a.db", BORELA_HEARTBEAT_INTERVAL_SECONDS: "soon" }, /BORELA_HEARTBEAT_INTERVAL_SECONDS="soon" is not a whole number/],
    ["duplicate names", { ...base, BORELA_DATABASES: "/a/app.db,/b/app.sqlite3" }, /two databases are named "app"/],
    ["observe without config", { ...base, BORELA_DATABASES: "/a.db", BORELA_OBSERVE: "true" }, /--observe needs --litestream-config/],
  ];
  it.each(cases)("%s", async (_what, env, message) => {
    const p = loadAgentSettings({}, env);
    await expect(p).rejects.toBeInstanceOf(ConfigError);
    await expect(p).rejects.toThrow(message);
  });

  it("says which variable the file uses but is not set", async () => {
    const p = await file("unset.yml", RAILS_YAML);
    await expect(loadAgentSettings({ config: p }, { BORELA_AGENT_TOKEN: "t" })).rejects.toThrow(/uses \$\{BORELA_SERVER\}, which is not set/);
  });

  it("names a missing config file", async () => {
    await expect(loadAgentSettings({ config: "/nonexistent/agent.yml" }, base)).rejects.toThrow("cannot read agent config /nonexistent/agent.yml: ENOENT");
  });
});

describe("--litestream-config", () => {
  it("takes databases and replicas from an existing litestream.yml, with env expansion", async () => {
    const p = await file("litestream.yml", `addr: ":9191"\ndbs:\n  - path: /srv/\${APP}.db\n    replicas:\n      - url: s3://bkt/\${APP}\n      - path: /backups/\${APP}\n`);
    const s = await loadAgentSettings({ litestreamConfig: p, observe: true }, { ...base, APP: "shop" });
    expect(s.mode).toBe("observe");
    expect(s.litestreamConfig).toEqual({ path: p, addr: ":9191" });
    expect(s.databases).toMatchObject([{ name: "shop", path: "/srv/shop.db", replicas: [{ type: "s3", bucket: "bkt", path: "shop" }, { type: "file", path: "/backups/shop" }] }]);
  });
});

describe("parseAgentYaml", () => {
  it("rejects unknown keys, naming them", () => {
    expect(() => parseAgentYaml("servr: x\n", {}, "agent.yml")).toThrow(/agent.yml: unknown key "servr"/);
    expect(() => parseAgentYaml("databases:\n  - pth: /a.db\n", {}, "agent.yml")).toThrow(/databases\[0\] in agent.yml: unknown key "pth"/);
    expect(() => parseAgentYaml("databases:\n  - name: x\n", {}, "agent.yml")).toThrow(/databases\[0\] in agent.yml has no path/);
  });
});

describe("defaultDatabaseName", () => {
  it("is the file name without extension", () => {
    expect(defaultDatabaseName("/rails/storage/production.sqlite3")).toBe("production");
    expect(defaultDatabaseName("/data/app")).toBe("app");
    expect(AgentSettingsError.prototype).toBeInstanceOf(ConfigError);
  });
});
