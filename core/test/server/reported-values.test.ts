// Ingest checks on what an agent reports: every URL our own agent makes passes, hostile ones are refused with the reason.
import { describe, expect, it } from "vitest";
import { checkHeartbeat, databasePathProblem, normaliseReplicaUrl, ReportedValueError } from "../../src/reported-values.ts";
import { joinReplicaUrl, parseReplicaUrl, replicaUrl } from "../../src/litestream/replica-url.ts";
import { DATABASE_NAME_PATTERN } from "../../src/protocol.ts";
import { defaultDatabaseName } from "../../src/agent/settings.ts";
import { heartbeat } from "../support/core-server.ts";

describe("replica URLs our agents report", () => {
  it.each([
    "file:///backups/app",
    "file:///var/backups/app/",
    "s3://bucket/app",
    "s3://KEY:SECRET@bucket/app?endpoint=http://127.0.0.1:9000&region=eu-west-1&forcePathStyle=true",
    "s3://bucket/app?endpoint=http://127.0.0.1:9000&sse=AES256&secret-access-key=zzz",
    "s3://bucket.localhost:9000/app",
    "s3://bucket.s3.us-west-004.backblazeb2.com/app",
    joinReplicaUrl("s3://b/app?endpoint=http://h:1", "production"),
  ])("%s passes once reported, unchanged by normalisation", (configured) => {
    const reported = replicaUrl(parseReplicaUrl(configured));
    expect(normaliseReplicaUrl(reported)).toBe(reported);
  });

  it("a file replica from a Litestream config (no URL) with odd characters in its path passes", () => {
    const reported = replicaUrl({ type: "file", path: "/backups/my app?#%" });
    expect(normaliseReplicaUrl(reported)).toBe(reported);
    expect(parseReplicaUrl(reported)).toMatchObject({ path: "/backups/my app?#%" });
  });
});

describe("hostile replica URLs", () => {
  it.each([
    ["s3://KEY:SECRET@bucket/x", /credentials/],
    ["s3://bucket/x?endpoint=http://u:p@127.0.0.1:9000", /credentials/],
    ["s3://bucket/x?token=abc", /query key "token"/],
    ["s3://bucket/x?endpoint=file:///etc", /not http/],
    ["s3://bucket/x?forcePathStyle=maybe", /not true or false/],
    ["s3://bucket/x#frag", /fragment/],
    ["s3://bucket/a%2F..%2F..%2Fx", /"\.\." segments/],
    ["file://host/x", /with a host/],
    ["file:///x?y=1", /with a query/],
    ["file:///", /no directory/],
    ["http://example.com/x", /scheme "http"/],
    ["not a url", /not a URL/],
    ["s3://bucket/x\n", /control character/],
    ["s3://bucket/x%0Ay", /control character/],
  ])("%s is refused", (url, why) => {
    expect(() => normaliseReplicaUrl(url)).toThrow(why);
  });
});

describe("names and paths", () => {
  it("names our agent makes from file names match the pattern; hostile ones do not", () => {
    const re = new RegExp(DATABASE_NAME_PATTERN);
    for (const f of ["/d/app.sqlite3", "/rails/storage/production.sqlite3", "/data/borela.db", "/d/queue_db-2.sqlite"]) expect(defaultDatabaseName(f)).toMatch(re);
    for (const n of ["app.sqlite3", "production.sqlite3", "borela.db"]) expect(n).toMatch(re);
    for (const n of ["app;touch /tmp/x;#", "../../etc", ".hidden", "a b", "a`b", "x".repeat(129), ""]) expect(n).not.toMatch(re);
  });

  it("paths must be absolute, without control characters or '..'", () => {
    expect(databasePathProblem("/data/app.sqlite3")).toBeNull();
    expect(databasePathProblem("data/app.sqlite3")).toMatch(/absolute/);
    expect(databasePathProblem("/data/a\nNODE_OPTIONS=--require /tmp/x")).toMatch(/control character/);
    expect(databasePathProblem("/data/../../etc/passwd")).toMatch(/"\.\."/);
  });

  it("refuses a '..' segment wherever it stands, and only a whole segment", () => {
    for (const p of ["/..", "/data/..", "/../data", "/a/../b", "/a/.../../b"]) expect(databasePathProblem(p), p).toMatch(/"\.\." segments/);
    for (const p of ["/data/a..b", "/data/...", "/..data", "/data../x", "/a/.. b", "/x/..../y", "/a/.b./c"]) expect(databasePathProblem(p), p).toBeNull();
  });

  it("checkHeartbeat names the bad field", () => {
    const hb = heartbeat() as any;
    hb.databases[0].replicas[0].url = "s3://K:S@b/x";
    expect(() => checkHeartbeat(hb)).toThrow(ReportedValueError);
    expect(() => checkHeartbeat(hb)).toThrow(/^body\/databases\/0\/replicas\/0\/url carries credentials/);
    const ok = heartbeat() as any;
    expect(checkHeartbeat(ok)).toEqual(ok);
  });

  it("refuses two databases of one name in a heartbeat, naming the second (the agent never sends them)", () => {
    const hb = heartbeat() as any;
    hb.databases.push({ ...hb.databases[0], path: "/srv/second.db" });
    expect(() => checkHeartbeat(hb)).toThrow(/^body\/databases\/1\/name "app" is reported twice \(also databases\/0\)/);
    hb.databases[1].name = "second";
    expect(checkHeartbeat(hb).databases.map((d) => d.name)).toEqual(["app", "second"]);
  });
});
