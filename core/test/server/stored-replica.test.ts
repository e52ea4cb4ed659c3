// PATCH /api/v1/projects/:id {"replicaUrl"} (server/stored-replica.ts) against a real core whose
// BORELA_FILE_REPLICA_ROOTS is the temp dir: a URL the core would not read is refused with 400 naming
// the field, symlinks resolved (one pointing outside the roots is refused), a regular file refused, a
// directory not made yet accepted; a project with an agent refused. The project JSON gives both
// litestream.yml heartbeat lines, and warns when a project without an agent has a grace shorter
// than Litestream's smallest heartbeat-interval. An S3 URL naming an endpoint other than the stored
// credentials' is stored, and named in reasons, as the URL the core really lists.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStorageLister } from "../../src/freshness/storage-listing.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { waitFor } from "../support/wait-for.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LISTING_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "warn" });
  tmp = await tmpDir("borela-stored-replica-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

const patch = (id: string, body: object) => core.api<{ message: string }>("PATCH", `/api/v1/projects/${id}`, { body });

it("refuses a symlink leading outside the roots, a regular file and a project with an agent; accepts a directory not made yet", async () => {
  const p = await core.createProject("stored-replica");
  const link = path.join(tmp.path, "link-out");
  symlinkSync("/usr", link);
  const linked = await patch(p.id, { replicaUrl: `file://${link}` });
  expect(linked.status).toBe(400);
  expect(linked.body.message).toMatch(/^replicaUrl: .*resolves to \/usr/);

  const file = path.join(tmp.path, "a-file");
  writeFileSync(file, "x");
  const regular = await patch(p.id, { replicaUrl: `file://${file}` });
  expect(regular.status).toBe(400);
  expect(regular.body.message).toBe(`replicaUrl: file://${file} is not a directory: a file replica is the directory litestream.yml's replica path names`);

  expect((await patch(p.id, { replicaUrl: `file://${path.join(tmp.path, "not-yet")}` })).status).toBe(200);
  const dir = path.join(tmp.path, "replica");
  mkdirSync(dir);
  expect((await patch(p.id, { replicaUrl: `file://${dir}` })).status).toBe(200);

  const withAgent = await core.createProject("stored-replica-agent");
  await core.store.project.update({ where: { id: withAgent.id }, data: { lastHeartbeatAt: new Date() } });
  const refused = await patch(withAgent.id, { replicaUrl: `file://${dir}` });
  expect(refused.status).toBe(400);
  expect(refused.body.message).toBe("replicaUrl: this project has an agent: its replicas come from the agent's heartbeat");
  expect((await patch(withAgent.id, { replicaUrl: null })).status).toBe(200);
});

it("gives both heartbeat lines and warns of a grace shorter than Litestream's heartbeat-interval on a project without an agent", async () => {
  type Detail = { pingUrl: string; pingLine: string; pingWarning: string | null };
  const p = await core.createProject("ping-lines", { heartbeatGraceSeconds: 120 });
  const d = (await core.api<Detail>("GET", `/api/v1/projects/${p.id}`)).body;
  expect(d.pingLine).toBe(`heartbeat-url: "${d.pingUrl}"\nheartbeat-interval: 1m`);
  expect(d.pingWarning).toBeNull();
  expect((await patch(p.id, { heartbeatGraceSeconds: 30 })).status).toBe(200);
  const short = (await core.api<Detail>("GET", `/api/v1/projects/${p.id}`)).body;
  expect(short.pingWarning).toMatch(/^heartbeatGraceSeconds \(30s\) is shorter than Litestream's smallest heartbeat-interval: 1m: .*silent only after 90s/);
  // With an agent the grace is the agent's: no warning.
  await core.store.project.update({ where: { id: p.id }, data: { lastHeartbeatAt: new Date() } });
  expect((await core.api<Detail>("GET", `/api/v1/projects/${p.id}`)).body.pingWarning).toBeNull();
});

it("stores an S3 URL whose ?endpoint= is not the stored credentials' as the URL the core lists, and the listing's reason names it", async () => {
  const s3: S3Server = await startS3();
  try {
    await s3.createBucket("their-bucket");
    const p = await core.createProject("stored-replica-endpoint");
    const creds = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, endpoint: s3.endpoint, region: s3.region, bucket: "their-bucket" };
    expect((await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: creds })).status).toBe(204);
    const listed = `s3://their-bucket/app?endpoint=${encodeURIComponent(s3.endpoint)}`;

    const other = await core.api<{ storageListing: { replicaUrl: string } }>("PATCH", `/api/v1/projects/${p.id}`, {
      body: { replicaUrl: "s3://their-bucket/app?endpoint=http://127.0.0.1:1" },
    });
    expect(other.status).toBe(200);
    expect(other.body.storageListing.replicaUrl).toBe(listed);

    const lister = createStorageLister({ store: core.store, config: core.config, logger: core.app.log as never });
    await lister.tick();
    await lister.stop();
    const d = await waitFor(async () => {
      const body = (await core.api<{ status: string; statusReasons: string[] }>("GET", `/api/v1/projects/${p.id}`)).body;
      return body.status === "stale" ? body : null;
    }, { timeoutMs: 10_000, what: "stale on an empty listing" });
    expect(d.statusReasons).toContain(`storage listing: no LTX file on ${listed}: is it the replica litestream.yml writes to?`);
    expect(d.statusReasons.join(" ")).not.toContain("127.0.0.1:1/");

    // The same endpoint as stored (trailing slash aside): kept as written.
    const same = `s3://their-bucket/app?endpoint=${s3.endpoint}/`;
    expect((await core.api<{ storageListing: { replicaUrl: string } }>("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl: same } })).body.storageListing.replicaUrl).toBe(same);
  } finally {
    await s3.stop();
  }
});
