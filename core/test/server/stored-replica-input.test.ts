// PATCH /api/v1/projects/:id {"replicaUrl"} against a real core (BORELA_FILE_REPLICA_ROOTS: the OS temp dir,
// as core-server.ts sets it), with bad input: a control character (raw or percent-encoded, NUL included, file
// and S3 forms) is a 400 naming the field and changes nothing; a replica another project's agent reports, or
// another project stores (the same directory, as written or through a symlink; S3: same endpoint, bucket and
// prefix) is a 400 naming that project, and a directory inside or holding it is another replica; a directory not made yet under a symlink leading outside the roots is refused like the link.
// The drill's refusal says "stored on" when the other side is a stored replicaUrl. The ping route answers a
// short 404 for any wrong key, whatever its length or the request's content type.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sharedFileReplicaProblem } from "../../src/drills/replica-claims.ts";
import { FileReplicaRefusedError, resolveFileReplica } from "../../src/drills/file-roots.ts";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let core: TestCore;
let tmp: TmpDir;
let replicas: string;
beforeAll(async () => {
  core = await startTestCore({ BORELA_LISTING_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "warn" });
  tmp = await tmpDir("borela-stored-input-");
  replicas = path.join(tmp.path, "replicas");
  mkdirSync(replicas);
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

const patch = (id: string, body: object) => core.api<{ message: string; storageListing: { replicaUrl: string } | null }>("PATCH", `/api/v1/projects/${id}`, { body });
const stored = async (id: string) => (await core.store.project.findUniqueOrThrow({ where: { id }, select: { replicaUrl: true } })).replicaUrl;

it("refuses a NUL byte or any other control character in replicaUrl, raw or percent-encoded, with 400 naming the field, changing nothing", async () => {
  const p = await core.createProject("input-p3");
  const good = `file://${replicas}/p3`;
  expect((await patch(p.id, { replicaUrl: good })).status).toBe(200);
  const raw = ["\u0000x", "\nfake all good", "\tx", "\u001b[31mred", "\u007f"];
  for (const bad of raw) {
    const res = await patch(p.id, { replicaUrl: `${good}${bad}` });
    expect(res.status, JSON.stringify(bad)).toBe(400);
    expect(res.body.message).toBe("body/replicaUrl must not contain control characters (line breaks, tabs)");
  }
  for (const bad of ["%00x", "%0Afake", "%09x", "%1B[31m"]) {
    const res = await patch(p.id, { replicaUrl: `${good}${bad}` });
    expect(res.status, bad).toBe(400);
    expect(res.body.message).toMatch(/^replicaUrl: must not contain control characters/);
  }
  // The S3 form: bucket path, endpoint and region alike.
  for (const bad of ["s3://bucket/pa\nth?endpoint=http://127.0.0.1:9000", "s3://bucket/path?endpoint=http://127.0.0.1:9000%0A", "s3://bucket/p%1Bth", "s3://bucket/path?region=x%00"]) {
    const res = await patch(p.id, { replicaUrl: bad });
    expect(res.status, bad).toBe(400);
    expect(res.body.message).toMatch(/replicaUrl:? must not contain control characters/);
  }
  const malformed = await patch(p.id, { replicaUrl: `${good}%E0` });
  expect(malformed.status).toBe(400);
  expect(malformed.body.message).toMatch(/^replicaUrl: .*malformed percent-encoding/);
  expect(await stored(p.id)).toBe(good);
});

it("a drill's check of a path holding a NUL refuses it instead of throwing the file system's TypeError", async () => {
  await expect(resolveFileReplica(`${replicas}/p3\u0000x`, [tmp.path])).rejects.toBeInstanceOf(FileReplicaRefusedError);
  expect(await sharedFileReplicaProblem(core.store, "none", `file://${replicas}/p3%00x`)).toBeNull();
});

it("refuses the directory another project's agent reports or another project stores, naming that project; one inside or holding it is another replica", async () => {
  const p1 = await core.createProject("input-p1");
  const hb = heartbeat() as any;
  hb.databases[0].replicas[0].url = `file://${replicas}/p1`;
  expect((await core.api("POST", "/api/v1/heartbeats", { token: p1.agentToken, body: hb })).status).toBe(201);
  const p3 = await core.createProject("input-p3b");
  for (const dir of ["p1", "p1/", "p1/sub/.."]) {
    const res = await patch(p3.id, { replicaUrl: `file://${path.join(replicas, dir)}` });
    expect(res.status, dir).toBe(400);
    expect(res.body.message).toMatch(/^replicaUrl: file:\/\/.* overlaps a replica reported by another project \("input-p1"\)/);
  }
  // Through a symlink to p1 too, while p1 is not made yet and once it is.
  symlinkSync(path.join(replicas, "p1"), path.join(replicas, "to-p1"));
  expect((await patch(p3.id, { replicaUrl: `file://${replicas}/to-p1` })).body.message).toMatch(/reported by another project \("input-p1"\)/);
  mkdirSync(path.join(replicas, "p1"));
  expect((await patch(p3.id, { replicaUrl: `file://${replicas}/to-p1/` })).body.message).toMatch(/reported by another project \("input-p1"\)/);
  expect(await stored(p3.id)).toBeNull();
  // Inside p1, and the directory holding it: other replicas (Litestream restores from the layout under its own directory).
  // (The replicas dir itself holds the symlink above, which a stored replica refuses: the tree under p1 stands for a holder.)
  const hbTree = heartbeat() as any;
  hbTree.databases[0].replicas[0].url = `file://${replicas}/p1/tree/inner`;
  expect((await core.api("POST", "/api/v1/heartbeats", { token: p1.agentToken, body: hbTree })).status).toBe(201);
  for (const dir of ["p1/sub", "p1/tree"]) {
    const res = await patch(p3.id, { replicaUrl: `file://${path.join(replicas, dir)}` });
    expect(res.status, `${dir}: ${res.body.message}`).toBe(200);
  }
  expect((await patch(p3.id, { replicaUrl: null })).status).toBe(200);

  const p4 = await core.createProject("input-p4");
  expect((await patch(p4.id, { replicaUrl: `file://${replicas}/p4` })).status).toBe(200);
  expect((await patch(p4.id, { replicaUrl: `file://${replicas}/p4/` })).status).toBe(200); // its own: fine
  const taken = await patch(p3.id, { replicaUrl: `file://${replicas}/p4` });
  expect(taken.status).toBe(400);
  expect(taken.body.message).toMatch(/overlaps a replica stored on another project \("input-p4"\)/);
  // A sibling with a common prefix is another directory.
  expect((await patch(p3.id, { replicaUrl: `file://${replicas}/p4b` })).status).toBe(200);

  // Stored before this check existed (written past PATCH, no claim recorded): it ranks from its first check,
  // after p4's stored claim, and the drill's refusal says "stored on".
  await core.store.project.update({ where: { id: p3.id }, data: { replicaUrl: `file://${replicas}/p4` } });
  expect(await sharedFileReplicaProblem(core.store, p3.id, `file://${replicas}/p4`)).toBe(
    `file replica file://${replicas}/p4 is also stored on another project ("input-p4"), which claimed it first: drills and restores of this project refuse it while that claim stands (30 days after that project last reported or stored it, or until that project is deleted)`,
  );
  expect(await sharedFileReplicaProblem(core.store, p4.id, `file://${replicas}/p4`)).toBeNull();
  expect(await sharedFileReplicaProblem(core.store, p1.id, `file://${replicas}/p1`)).toBeNull();
});

it("refuses an S3 bucket and prefix another project stores at the same endpoint", async () => {
  const s3: S3Server = await startS3();
  try {
    await s3.createBucket("shared-bucket");
    const creds = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, endpoint: s3.endpoint, region: s3.region, bucket: "shared-bucket" };
    const [a, b] = [await core.createProject("input-s3-a"), await core.createProject("input-s3-b")];
    for (const p of [a, b]) expect((await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: creds })).status).toBe(204);
    const url = (p: string) => `s3://shared-bucket/${p}?endpoint=${encodeURIComponent(s3.endpoint)}`;
    expect((await patch(a.id, { replicaUrl: url("app") })).status).toBe(200);
    for (const p of ["app", "app/db", ""]) {
      const res = await patch(b.id, { replicaUrl: url(p) });
      expect(res.status, p).toBe(400);
      expect(res.body.message).toMatch(/^replicaUrl: s3:\/\/shared-bucket.* overlaps a replica stored on another project \("input-s3-a"\)/);
    }
    expect((await patch(b.id, { replicaUrl: url("app2") })).status).toBe(200);
  } finally {
    await s3.stop();
  }
});

it("refuses a directory not made yet under a symlink leading outside the roots, as it refuses the link", async () => {
  const p = await core.createProject("input-linkout");
  symlinkSync("/usr", path.join(replicas, "linkout"));
  const link = await patch(p.id, { replicaUrl: `file://${replicas}/linkout` });
  expect(link.status).toBe(400);
  expect(link.body.message).toMatch(/^replicaUrl: .*outside BORELA_FILE_REPLICA_ROOTS.*resolves to \/usr\)$/);
  // A dangling link leading outside: judged where the directory would be made.
  symlinkSync("/nonexistent-borela-outside", path.join(replicas, "dangling"));
  const dangling = await patch(p.id, { replicaUrl: `file://${replicas}/dangling/sub` });
  expect(dangling.status).toBe(400);
  expect(dangling.body.message).toMatch(/resolves to \/nonexistent-borela-outside\/sub\)$/);
  for (const leaf of ["linkout/sub", "linkout/a/b"]) {
    const res = await patch(p.id, { replicaUrl: `file://${replicas}/${leaf}` });
    expect(res.status, leaf).toBe(400);
    expect(res.body.message).toMatch(new RegExp(`^replicaUrl: .*outside BORELA_FILE_REPLICA_ROOTS.*resolves to /usr/${leaf.slice("linkout/".length)}\\)$`));
  }
  expect(await stored(p.id)).toBeNull();
  expect((await patch(p.id, { replicaUrl: `file://${replicas}/inside/not-yet` })).status).toBe(200);
  // Below a regular file: never a directory, a 400 rather than the file system's ENOTDIR.
  writeFileSync(path.join(replicas, "a-file"), "x");
  const underFile = await patch(p.id, { replicaUrl: `file://${replicas}/a-file/sub` });
  expect(underFile.status).toBe(400);
  expect(underFile.body.message).toMatch(/^replicaUrl: .*a-file\/sub is not a directory/);
});

it("answers a wrong ping key with a short 404, however long the key and whatever the content type", async () => {
  const long = "k".repeat(10_000);
  const res = await fetch(`${core.url}/ping/${long}`);
  expect(res.status).toBe(404);
  const text = await res.text();
  expect(text.length).toBeLessThan(200);
  expect(text).not.toContain("kkkkkkkkkk");
  expect(JSON.parse(text)).toEqual({ error: "not_found", message: "ping key not found" });
  expect((await fetch(`${core.url}/ping/${long}`, { method: "HEAD" })).status).toBe(404);
  const form = { "content-type": "application/x-www-form-urlencoded" };
  expect((await fetch(`${core.url}/ping/wrong-key-0123456789`, { method: "POST", headers: form, body: "a=b" })).status).toBe(404);
  const p = await core.createProject("input-ping");
  const { pingUrl } = (await core.api<{ pingUrl: string }>("GET", `/api/v1/projects/${p.id}`)).body;
  const key = pingUrl.split("/ping/")[1];
  expect((await fetch(`${core.url}/ping/${key}`, { method: "POST", headers: form, body: "a=b" })).status).toBe(200);
  expect((await fetch(`${core.url}/ping/${key}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" })).status).toBe(200);
  expect((await core.store.project.findUniqueOrThrow({ where: { id: p.id }, select: { lastPingAt: true } })).lastPingAt).not.toBeNull();
});

it("one agent token reporting a parent directory first (up to a root itself) blocks no later project's replica below it", async () => {
  const squatter = await core.createProject("input-squatter");
  const hb = heartbeat() as any;
  // The root itself (core-server.ts sets BORELA_FILE_REPLICA_ROOTS to the OS temp dir) and the tree below it.
  hb.databases[0].replicas[0].url = `file://${path.dirname(tmp.path)}`;
  hb.databases[0].replicas.push({ ...hb.databases[0].replicas[0], url: `file://${replicas}` });
  expect((await core.api("POST", "/api/v1/heartbeats", { token: squatter.agentToken, body: hb })).status).toBe(201);
  const later = await core.createProject("input-later");
  const own = heartbeat() as any;
  own.databases[0].replicas[0].url = `file://${replicas}/later`;
  expect((await core.api("POST", "/api/v1/heartbeats", { token: later.agentToken, body: own })).status).toBe(201);
  expect(await sharedFileReplicaProblem(core.store, later.id, `file://${replicas}/later`)).toBeNull();
  const storedBelow = await core.createProject("input-stored-below");
  expect((await patch(storedBelow.id, { replicaUrl: `file://${replicas}/stored-below` })).status).toBe(200);
  // The squatter's own directory, reported later by another project, is still the squatter's.
  const copycat = await core.createProject("input-copycat");
  const copy = heartbeat() as any;
  copy.databases[0].replicas[0].url = `file://${replicas}`;
  expect((await core.api("POST", "/api/v1/heartbeats", { token: copycat.agentToken, body: copy })).status).toBe(201);
  expect(await sharedFileReplicaProblem(core.store, copycat.id, `file://${replicas}`)).toMatch(/claimed it first|input-squatter/);
});

it("a reported path the file system cannot resolve (a segment over 255 bytes) breaks no other project's claims check, detail or stored replica", async () => {
  const long = await core.createProject("input-long-segment");
  const hb = heartbeat() as any;
  hb.databases[0].replicas[0].url = `file:///${"z".repeat(256)}`;
  expect((await core.api("POST", "/api/v1/heartbeats", { token: long.agentToken, body: hb })).status).toBe(201);
  const other = await core.createProject("input-after-long");
  const own = heartbeat() as any;
  own.databases[0].replicas[0].url = `file://${replicas}/after-long`;
  expect((await core.api("POST", "/api/v1/heartbeats", { token: other.agentToken, body: own })).status).toBe(201);
  expect(await sharedFileReplicaProblem(core.store, other.id, `file://${replicas}/after-long`)).toBeNull();
  expect((await core.api("GET", `/api/v1/projects/${other.id}`)).status).toBe(200);
  expect((await core.api("GET", `/api/v1/projects/${long.id}`)).status).toBe(200);
  const agentless = await core.createProject("input-stored-after-long");
  expect((await patch(agentless.id, { replicaUrl: `file://${replicas}/stored-after-long` })).status).toBe(200);
});
