// The storage lister's shell (freshness/storage-listing.ts) against a real core's
// store: it lists only projects without an agent, with the core's own credentials
// (none stored: it says so and reads nothing), a directory that does not exist is
// awaited before the first Litestream ping and an error after one, and a failing listing turns the
// project to error naming the storage listing, without secrets.
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStorageLister } from "../../src/freshness/storage-listing.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  // The core's own lister runs once an hour here: the test drives one of its own.
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LISTING_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "warn" });
  tmp = await tmpDir("borela-lister-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

const row = (id: string) => core.store.project.findUniqueOrThrow({ where: { id }, select: { newestLtxAt: true, listedAt: true, listError: true } });

it("records the newest LTX file's time, a listing failure, and missing credentials; skips projects with an agent", async () => {
  const lister = createStorageLister({ store: core.store, config: core.config, logger: core.app.log as never });
  const good = await core.createProject("lister-good");
  const broken = await core.createProject("lister-broken");
  const noKeys = await core.createProject("lister-nokeys");
  const agent = await core.createProject("lister-agent");
  const notYet = await core.createProject("lister-not-yet");

  // A Litestream 0.5 file replica's layout: ltx/<level>/<min>-<max>.ltx, mtime = the LTX header time.
  const replica = path.join(tmp.path, "replica");
  mkdirSync(path.join(replica, "ltx", "0"), { recursive: true });
  const ltx = path.join(replica, "ltx", "0", "0000000000000001-0000000000000001.ltx");
  writeFileSync(ltx, "x");
  const notADir = path.join(tmp.path, "a-file");
  writeFileSync(notADir, "x");
  await core.store.project.update({ where: { id: good.id }, data: { replicaUrl: `file://${replica}` } });
  await core.store.project.update({ where: { id: broken.id }, data: { replicaUrl: `file://${notADir}` } });
  await core.store.project.update({ where: { id: noKeys.id }, data: { replicaUrl: "s3://their-bucket/app" } });
  await core.store.project.update({ where: { id: agent.id }, data: { replicaUrl: `file://${replica}`, lastHeartbeatAt: new Date() } });
  const absent = path.join(tmp.path, "not-written-yet");
  await core.store.project.update({ where: { id: notYet.id }, data: { replicaUrl: `file://${absent}` } });

  await lister.tick();
  const g = await row(good.id);
  expect(g.listedAt).not.toBeNull();
  expect(Math.abs(g.newestLtxAt!.getTime() - statSync(ltx).mtimeMs)).toBeLessThan(2);
  expect((await row(broken.id)).listError).toMatch(/not a directory|ENOTDIR/i);
  expect((await row(noKeys.id)).listError).toMatch(/^no read credentials for replica s3:\/\/their-bucket\/app: store them/);
  expect((await row(agent.id)).listedAt).toBeNull(); // an agent reports: the core does not list for it
  // A directory Litestream has not made yet is said not to exist, not listed as holding no LTX file; before any ping it is awaited.
  expect((await row(notYet.id)).listError).toBe(`file://${absent} does not exist yet: Litestream creates it on its first sync; waiting for it (no Litestream ping yet)`);

  const status = (id: string, want: string) =>
    waitFor(async () => {
      const d = (await core.api("GET", `/api/v1/projects/${id}`)).body as { status: string; statusReasons: string[] };
      return d.status === want ? d : null;
    }, { timeoutMs: 10_000, what: `${id} ${want}` });
  const err = await status(noKeys.id, "error");
  expect(err.statusReasons[0]).toMatch(/^storage listing: the core cannot list s3:\/\/their-bucket\/app: no read credentials/);
  expect(err.statusReasons).toContain("no Litestream ping yet: nothing says Litestream runs and has synced every database (set heartbeat-url in litestream.yml to the project's ping URL)");

  // Awaited: unknown, not error, and no incident, until a Litestream ping came before a listing that still finds none.
  const awaited = `storage listing: file://${absent} does not exist yet: Litestream creates it on its first sync; waiting for it (no Litestream ping yet)`;
  const waiting = await waitFor(async () => {
    const d = (await core.api("GET", `/api/v1/projects/${notYet.id}`)).body as { status: string; statusReasons: string[] };
    return d.statusReasons.includes(awaited) ? d : null;
  }, { timeoutMs: 10_000, what: "the awaited directory's reason" });
  expect(waiting.status).toBe("unknown");
  const incidents = async (id: string) => (await core.api<{ kind: string }[]>("GET", `/api/v1/projects/${id}/incidents?open=true`)).body.map((i) => i.kind);
  expect(await incidents(notYet.id)).toEqual([]);
  // The ping (the real route Litestream's heartbeat-url calls) says every database synced; the next listing still finds no directory.
  const pingUrl = ((await core.api("GET", `/api/v1/projects/${notYet.id}`)).body as { pingUrl: string }).pingUrl;
  expect((await fetch(pingUrl)).status).toBe(200);
  await lister.tick();
  expect((await row(notYet.id)).listError).toMatch(/does not exist, though Litestream pinged \(it pings only once every database synced\): is it the path litestream.yml writes to\?$/);
  const wrong = await status(notYet.id, "error");
  expect(wrong.statusReasons[0]).toMatch(/^storage listing: the core cannot list file:\/\/.*not-written-yet: .* does not exist, though Litestream pinged/);
  await waitFor(async () => ((await incidents(notYet.id)).includes("error") ? true : null), { timeoutMs: 10_000, what: "an error incident" });
  await lister.stop();
});
