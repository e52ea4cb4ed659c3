// Stored read credentials (storage/stored-credentials.ts) are decrypted with the secret key the core
// read once at start, never by reading the data dir's key file again: a real core keeps reading the
// credentials an admin stored after its key file is replaced behind its back (the old code re-read the
// file on every read and failed to decrypt), and a config that was never started reads none.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStorageLister } from "../../src/freshness/storage-listing.ts";
import { loadConfig } from "../../src/config.ts";
import { storedCredentials } from "../../src/storage/stored-credentials.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { waitFor } from "../support/wait-for.ts";

let core: TestCore;
let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket("their-bucket");
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LISTING_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "warn" });
});
afterAll(async () => {
  await core?.close();
  await s3?.stop();
});

it("reads stored credentials with the key read at start after the key file is replaced, and refuses without a loaded key", async () => {
  const p = await core.createProject("stored-credentials-key");
  const creds = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, endpoint: s3.endpoint, region: s3.region, bucket: "their-bucket" };
  expect((await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: creds })).status).toBe(204);

  const keyFile = path.join(core.config.dataDir, "secret.key");
  const before = readFileSync(keyFile, "utf8");
  writeFileSync(keyFile, randomBytes(32).toString("base64") + "\n");

  // The route (stored-replica.ts) reads the stored credentials: the URL is stored as the one the core lists.
  const patched = await core.api<{ storageListing: { replicaUrl: string } }>("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl: "s3://their-bucket/app" } });
  expect(patched.status).toBe(200);
  expect(patched.body.storageListing.replicaUrl).toBe(`s3://their-bucket/app?endpoint=${encodeURIComponent(s3.endpoint)}`);
  expect((await core.api("GET", `/api/v1/projects/${p.id}`)).status).toBe(200);

  // The lister reads with them too: an empty bucket is listed (no LTX file), not a decryption failure.
  const lister = createStorageLister({ store: core.store, config: core.config, logger: core.app.log as never });
  await lister.tick();
  await lister.stop();
  const reasons = await waitFor(async () => {
    const body = (await core.api<{ statusReasons: string[] }>("GET", `/api/v1/projects/${p.id}`)).body;
    return body.statusReasons.some((r) => r.startsWith("storage listing:") && !r.endsWith("not listed yet")) ? body.statusReasons : null;
  }, { timeoutMs: 10_000, what: "the storage listing's reason" });
  expect(reasons.join(" ")).toContain("no LTX file on s3://their-bucket/app");
  expect(reasons.join(" ")).not.toMatch(/decrypt|unable to authenticate/i);
  expect(readFileSync(keyFile, "utf8")).not.toBe(before);

  const direct = await storedCredentials(core.store, core.config.encryptionKey, p.id);
  expect(direct).toMatchObject({ accessKeyId: s3.accessKeyId, bucket: "their-bucket", endpoint: s3.endpoint });
  const notStarted = loadConfig({ BORELA_DATA_DIR: core.config.dataDir });
  expect(notStarted.encryptionKey).toBeNull();
  await expect(storedCredentials(core.store, notStarted.encryptionKey, p.id)).rejects.toThrow(/secret key was not loaded at start/);
}, 60_000);
