// An agent token in an attacker's hands: every name, path and replica URL a heartbeat carries is
// checked at ingest. Hostile values get a 400 that names the field; what our own agent sends passes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";

let core: TestCore;
let token: string;
beforeAll(async () => {
  core = await startTestCore();
  token = (await core.createProject("sec-values")).agentToken;
});
afterAll(async () => core?.close());

function withDatabase(change: (db: any) => void) {
  const hb = heartbeat() as any;
  change(hb.databases[0]);
  return hb;
}

async function post(hb: unknown) {
  return core.api("POST", "/api/v1/heartbeats", { token, body: hb });
}

describe("heartbeat ingest refuses hostile values with a 400 naming the field", () => {
  it.each([
    ["name with shell metacharacters", (db: any) => (db.name = "app;touch /tmp/x;#"), "body/databases/0/name"],
    ["name with path segments", (db: any) => (db.name = "../../../etc/cron.d/x"), "body/databases/0/name"],
    ["name with a backtick", (db: any) => (db.name = "app`<!channel>`"), "body/databases/0/name"],
    ["relative path", (db: any) => (db.path = "data/app.sqlite3"), "body/databases/0/path"],
    ["path with a newline", (db: any) => (db.path = "/data/app.sqlite3\nNODE_OPTIONS=--require=/tmp/x.js"), "body/databases/0/path"],
    ["path with ..", (db: any) => (db.path = "/data/../../root/.ssh/id_rsa"), "body/databases/0/path"],
    ["URL with inline credentials", (db: any) => (db.replicas[0].url = "s3://AKIAKEY:SECRET@bucket/app"), "body/databases/0/replicas/0/url"],
    ["URL with an unknown query key", (db: any) => (db.replicas[0].url = "s3://bucket/app?X-Amz-Credential=k"), "body/databases/0/replicas/0/url"],
    ["URL with credentials in its endpoint", (db: any) => (db.replicas[0].url = "s3://bucket/app?endpoint=http://k:s@127.0.0.1:9000"), "body/databases/0/replicas/0/url"],
    ["URL of another scheme", (db: any) => (db.replicas[0].url = "http://169.254.169.254/latest/meta-data"), "body/databases/0/replicas/0/url"],
    ["file URL with a host", (db: any) => (db.replicas[0].url = "file://core-host/etc"), "body/databases/0/replicas/0/url"],
  ])("%s", async (_what, change, field) => {
    const res = await post(withDatabase(change));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("bad_request");
    expect(res.body.message.startsWith(`${field} `)).toBe(true);
    expect(res.body.message).not.toContain("SECRET");
  });

  it("nothing of a refused heartbeat is stored", async () => {
    const p = await core.createProject("sec-values-none");
    await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: withDatabase((db) => (db.name = "app;id")) });
    expect((await core.api("GET", `/api/v1/projects/${p.id}`)).body.databases).toEqual([]);
  });
});

describe("what our own agent reports passes", () => {
  it.each([
    ["app.sqlite3", "/rails/storage/app.sqlite3", "file:///backups/app.sqlite3"],
    ["production", "/rails/storage/production.sqlite3", "s3://bucket/prod/production?endpoint=http://127.0.0.1:9000&region=us-east-1&forcePathStyle=true"],
    ["borela.db", "/var/lib/borela/borela.db", "s3://bucket.localhost:9000/borela"],
    ["queue_db-2", "/data/queue_db-2.sqlite3", "file:///backups/my%20app"],
  ])("%s", async (name, path, url) => {
    const res = await post(withDatabase((db) => Object.assign(db, { name, path, replicas: [{ ...db.replicas[0], url }] })));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});
