// A bring-your-own S3 replica: the drill needs read credentials. Without them
// it fails saying how to give them; stored through the API (encrypted at rest)
// it restores from the real S3-compatible server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { executeDrill, MAX_ATTEMPTS } from "../../src/drills/execute.ts";
import { newId } from "../../src/store/ids.ts";
import { addRows, postDatabaseHeartbeat, replicate, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";
import { plainRestorer } from "./file-replica-case.ts";

let core: TestCore;
let s3: S3Server;
let tmp: TmpDir;
// A plain `litestream restore` of the same replica: what a passing drill's counts are compared with.
const plainRestore = plainRestorer(() => tmp.path);
beforeAll(async () => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.LITESTREAM_ACCESS_KEY_ID;
  delete process.env.LITESTREAM_SECRET_ACCESS_KEY;
  core = await startTestCore();
  s3 = await startS3();
  await s3.createBucket("byo");
  tmp = await tmpDir("borela-s3-drill-");
});
afterAll(async () => {
  await core?.close();
  await s3?.stop();
  await tmp?.remove();
});

/** The keys the test S3 server takes; what an admin stores, and what Litestream writes the replica with. */
const keys = () => ({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });

/**
 * A seeded database in tmp/<name>, `rows` added, replicated by the real Litestream 0.3 to s3://byo/<name>/app:
 * its file, Litestream's target, and the URL an agent reports for it at `endpoint` (the test server's by default).
 */
async function byoReplica(name: string, rows: [number, number]) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const target = { type: "s3" as const, bucket: "byo", path: `${name}/app`, endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: keys() };
  await replicate(dir, file, target, [(f) => addRows(f, ...rows)]);
  const urlAt = (endpoint = s3.endpoint) => `s3://byo/${name}/app?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`;
  return { file, target, urlAt };
}

interface ListedDrill {
  id: string;
  trigger: string;
  status: string;
  report: { error?: string | null; tables?: Record<string, number> };
}

/** The project's drills with trigger "credentials" (queued by PUT …/storage-credentials), once `count` of them have ended. */
async function credentialsDrills(projectId: string, count: number): Promise<ListedDrill[]> {
  return waitFor(
    async () => {
      const drills = ((await core.api("GET", `/api/v1/projects/${projectId}/drills`)).body as ListedDrill[]).filter((d) => d.trigger === "credentials");
      const ended = drills.filter((d) => d.status !== "queued" && d.status !== "running");
      return ended.length >= count && ended.length === drills.length ? drills : null;
    },
    // An error is tried MAX_ATTEMPTS times, 2 s then 4 s apart.
    { timeoutMs: 60_000, intervalMs: 200, what: `${count} drill(s) queued by stored credentials, ended` },
  );
}

describe("drills of a bring-your-own S3 replica", () => {
  it("fails without read credentials, then passes with credentials stored through the API", async () => {
    const { file, target, urlAt } = await byoReplica("shop", [3, 3]);
    const url = urlAt();
    const credentials = keys();
    const p = await core.createProject("byo-s3");
    await reportDatabase(core, p.agentToken, file, url);

    // The core cannot read it: the drill could not run, which says nothing of the backup.
    const without = await runDrillNow(core, p.id);
    expect(without.status).toBe("error");
    expect(without.report.error).toMatch(/no read credentials for replica s3:\/\/byo\/shop\/app.*PUT \/api\/v1\/projects\/<id>\/storage-credentials/);

    const put = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { ...credentials, bucket: "byo", endpoint: s3.endpoint } });
    expect(put.status).toBe(204);
    const shown = await core.api("GET", `/api/v1/projects/${p.id}/storage-credentials`);
    expect(shown.body).toMatchObject({ configured: true, bucket: "byo", accessKeyIdHint: expect.stringContaining("…") });
    expect(JSON.stringify(shown.body)).not.toContain(s3.secretAccessKey);
    const raw = readFileSync(path.join(core.config.dataDir, "borela.db"));
    expect(raw.includes(Buffer.from(s3.secretAccessKey))).toBe(false);

    // The failed drill is tried again with the stored credentials at once, not at the next scheduled drill.
    const [passed] = await credentialsDrills(p.id, 1);
    expect(passed.report.error ?? null).toBeNull();
    expect(passed.status).toBe("passed");
    expect(passed.report.tables).toEqual(tableCounts(file));
    expect(await plainRestore(target)).toEqual({ tables: passed.report.tables });
    // Good keys swapped for wrong ones are drilled at once too: the drill could not run, and says why.
    expect((await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { accessKeyId: "NOSUCHKEYID42", secretAccessKey: "not-the-secret-key", bucket: "byo", endpoint: s3.endpoint } })).status).toBe(204);
    const swapped = (await credentialsDrills(p.id, 2)).find((d) => d.id !== passed.id)!;
    expect(swapped.status).toBe("error");
    expect(swapped.report.error).toMatch(/InvalidAccessKeyId/);
    expect(JSON.stringify(swapped)).not.toContain("not-the-secret-key");
  });

  it("refuses read credentials for a bucket none of the project's replicas is in, naming the buckets they are in, and keeps the stored ones", async () => {
    // A tester: a typo in the bucket was a 204, then no drill (the core ignores keys for another bucket) and a message saying no credentials were stored.
    const { file, urlAt } = await byoReplica("typo", [1, 1]);
    const p = await core.createProject("bucket-typo");
    const put = (bucket: string) => core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { ...keys(), bucket, endpoint: s3.endpoint } });
    // Before the agent reports a replica, any bucket is taken (nothing to compare with).
    expect((await put("byo-before-agent")).status).toBe(204);
    await reportDatabase(core, p.agentToken, file, urlAt());
    const refused = await put("byoo");
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^bucket: "byoo" holds none of this project's replicas \(they are in byo\)/);
    expect((await core.api("GET", `/api/v1/projects/${p.id}/storage-credentials`)).body).toMatchObject({ configured: true, bucket: "byo-before-agent" });
    // Credentials already stored for another bucket: the drill says which bucket they are for.
    const drill = await runDrillNow(core, p.id);
    expect(drill.status).toBe("error");
    expect(drill.report.error).toMatch(/^the read credentials stored for this project are for bucket byo-before-agent, and replica s3:\/\/byo\/typo\/app.* is in bucket byo: store them again with bucket byo/);
    expect((await put("byo")).status).toBe(204);
  });

  it("a fresh project never drilled gets its first drill when its read credentials are stored (the README's order: agent first, credentials after)", async () => {
    const { file, target, urlAt } = await byoReplica("late", [2, 4]);
    const url = urlAt();
    const credentials = keys();
    const p = await core.createProject("late-credentials");
    // The agent's view (it reads the replica with its own keys): the database where its replica ends, a snapshot stored.
    const replica = await readReplica(target);
    const now = new Date().toISOString();
    const sent = await postDatabaseHeartbeat(core, p.agentToken, now, {
      path: file,
      position: replica.position,
      replicas: [{ type: "s3", url, generation: replica.position!.generation, position: replica.position, pendingSince: null, lastSnapshotAt: now, lastWalAt: now }],
    });
    expect(sent.status).toBe(201);
    await core.app.sweeper.idle();
    expect((await core.api("GET", `/api/v1/projects/${p.id}`)).body).toMatchObject({ status: "fresh", lastDrill: null });
    // Fresh but unreadable by the core: no first drill yet (it would fail for want of credentials, not of a backup).
    await core.app.drills.tick();
    expect((await core.api("GET", `/api/v1/projects/${p.id}/drills`)).body).toEqual([]);

    expect((await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { ...credentials, bucket: "byo", endpoint: s3.endpoint } })).status).toBe(204);
    const queued = await waitFor(async () => {
      const drills = (await core.api("GET", `/api/v1/projects/${p.id}/drills`)).body as { id: string; trigger: string }[];
      return drills.length > 0 ? drills : null;
    }, { timeoutMs: 10_000, what: "the first drill queued by the credentials" });
    expect(queued.map((d) => d.trigger)).toEqual(["first"]);
    await core.app.drills.tick();
    const drill = (await core.api("GET", `/api/v1/drills/${queued[0].id}`)).body;
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(tableCounts(file));
    expect(await plainRestore(target)).toEqual({ tables: drill.report.tables });
  });

  it("a drill that cannot run after its last attempt opens a drill_failed incident saying so; a passing drill resolves it", async () => {
    // A tester: MinIO resetting every read of a damaged file made each drill end in error, with no incident and no
    // alert; on the default weekly schedule nothing said so until the drill was overdue, eight days on.
    const { file, target, urlAt } = await byoReplica("cannot", [1, 2]);
    const credentials = keys();
    const p = await core.createProject("cannot-run");
    const refused = "http://127.0.0.1:1";
    const store = (endpoint: string) => core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { ...credentials, bucket: "byo", endpoint } });
    const lastAttempt = async () => {
      const database = await core.store.database.findFirstOrThrow({ where: { projectId: p.id } });
      const id = newId();
      await core.store.drill.create({ data: { id, projectId: p.id, databaseId: database.id, databaseName: database.name, status: "running", workerId: "test", attempts: MAX_ATTEMPTS, startedAt: new Date(), leaseUntil: new Date(Date.now() + 3_600_000) } });
      await executeDrill({ store: core.store, config: core.config }, id, MAX_ATTEMPTS);
      return (await core.api("GET", `/api/v1/drills/${id}`)).body;
    };
    const incidents = async () => (await core.store.incident.findMany({ where: { projectId: p.id, kind: "drill_failed" }, orderBy: { openedAt: "asc" } })).map((i) => ({ reason: i.reason, resolved: i.resolvedAt !== null }));

    expect((await store(refused)).status).toBe(204);
    await reportDatabase(core, p.agentToken, file, urlAt(refused));
    const errored = await lastAttempt();
    expect(errored.status).toBe("error");
    expect(await incidents()).toEqual([{ reason: expect.stringMatching(/^drill of app could not run: .*127\.0\.0\.1:1/), resolved: false }]);

    // From here each PUT lands over a drill that failed or could not run: it queues a drill (trigger "credentials"),
    // run by the core's own queue with its retries.
    // A failure while "could not run" is open is news of its own: that one resolves, a new one opens (its own alert).
    await reportDatabase(core, p.agentToken, file, urlAt(s3.endpoint));
    await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { assertions: [{ name: "impossible", sql: "SELECT count(*) FROM users", op: "=", value: -1 }] } });
    expect((await store(s3.endpoint)).status).toBe(204);
    expect((await credentialsDrills(p.id, 1)).map((d) => d.status)).toEqual(["failed"]);
    const failedReason = expect.stringMatching(/^drill of app failed: .*impossible/);
    expect(await incidents()).toEqual([
      { reason: expect.stringMatching(/^drill of app could not run/), resolved: true },
      { reason: failedReason, resolved: false },
    ]);
    // A drill that cannot run says nothing of the backup: the failure's verdict stands, word for word (a tester saw it overwritten).
    await reportDatabase(core, p.agentToken, file, urlAt(refused));
    expect((await store(refused)).status).toBe(204);
    expect((await credentialsDrills(p.id, 2)).map((d) => d.status).sort()).toEqual(["error", "failed"]);
    expect(await incidents()).toEqual([
      { reason: expect.stringMatching(/^drill of app could not run/), resolved: true },
      { reason: failedReason, resolved: false },
    ]);

    // The right credentials after a drill that could not run: tried again at once, and it resolves the failure.
    await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { assertions: [] } });
    await reportDatabase(core, p.agentToken, file, urlAt(s3.endpoint));
    expect((await store(s3.endpoint)).status).toBe(204);
    const drills = await credentialsDrills(p.id, 3);
    const passed = drills.find((d) => d.status === "passed")!;
    expect(passed.report.error ?? null).toBeNull();
    expect(passed.report.tables).toEqual(tableCounts(file));
    expect(await plainRestore(target)).toEqual({ tables: passed.report.tables });
    expect(await incidents()).toEqual([
      { reason: expect.stringMatching(/^drill of app could not run/), resolved: true },
      { reason: failedReason, resolved: true },
    ]);
  });

  it("refuses bad credential input with a 400 and keeps nothing", async () => {
    const p = await core.createProject("byo-bad");
    const res = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { accessKeyId: "x", secretAccessKey: "short", bucket: "b" } });
    expect(res.status).toBe(400);
    expect((await core.api("GET", `/api/v1/projects/${p.id}/storage-credentials`)).body).toEqual({ configured: false });
  });
});
