// Issue 20, t7 F4/F7: a core whose secret key is not the one the store's secrets were sealed with joined
// the cluster (healthz 200), claimed alert deliveries it could not decrypt and answered 500 for storage
// credentials. Now the store keeps a check value of the key (store/secret-key-check.ts) and `borela serve`
// and `borela worker` with another key refuse to start, naming BORELA_SECRET_KEY and never the key:
// on PostgreSQL (another key; the variable unset, so a key generated into the data dir) and on SQLite (a
// data dir whose secret.key was replaced; an old store with secrets but no check value).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile } from "../../src/store/db.ts";
import { KEY_CHECK_SETTING, keyCheckValue } from "../../src/store/secret-key-check.ts";
import { adminApi, readRows } from "../support/admin-api.ts";
import { cleanEnv, runBorela } from "../support/borela-cli.ts";
import { startCoreProcess, startWorkerProcess, type CoreProcess } from "../support/core-process.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const ADMIN = "bradm_secret_key_processes";
const K = "secret-key-processes-key-K-0123456789";
const K2 = "secret-key-processes-key-K2-9876543210";
const api = adminApi(ADMIN);
const keyOf = (text: string) => createHash("sha256").update(text).digest();

let cluster: PostgresCluster;
const dirs: TmpDir[] = [];
const cores: CoreProcess[] = [];

async function dir(): Promise<string> {
  const d = await tmpDir("borela-key-check-");
  dirs.push(d);
  return d.path;
}

const env = (dataDir: string, extra: Record<string, string>) => ({ BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: ADMIN, BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true", ...extra });

async function serve(name: string, vars: Record<string, string>): Promise<CoreProcess> {
  const core = await startCoreProcess(name, vars, { timeoutMs: 60_000 });
  cores.push(core);
  return core;
}

/** The output of a `borela serve` that must exit before listening (startCoreProcess rejects with it). */
async function refused(name: string, vars: Record<string, string>): Promise<string> {
  const err = await serve(name, vars).then(
    () => null,
    (e: Error) => e,
  );
  expect(err?.message).toMatch(/exited with 2 first/);
  return err!.message;
}

async function sealSomething(core: CoreProcess): Promise<void> {
  const created = await api(core, "POST", "/api/v1/alert-channels", { type: "ntfy", target: "http://127.0.0.1:9/borela", secret: "tk_token_0123456789" });
  expect(created.status).toBe(201);
}

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await Promise.all(cores.map((c) => c.kill9()));
  await cluster?.stop();
  await Promise.all(dirs.map((d) => d.remove()));
});

describe("cores on one PostgreSQL store", () => {
  it("a core with another BORELA_SECRET_KEY, one without it and a worker with another key refuse to start", async () => {
    const url = await cluster.createDatabase("borela_keys");
    const a = await serve("a", env(await dir(), { BORELA_DATABASE_URL: url, BORELA_SECRET_KEY: K }));
    await sealSomething(a);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const check = (await client.query<{ value: string }>(`SELECT value FROM "Setting" WHERE key = $1`, [KEY_CHECK_SETTING])).rows[0]?.value;
    await client.end();
    expect(check).toBe(keyCheckValue(keyOf(K)));

    const b = await refused("b", env(await dir(), { BORELA_DATABASE_URL: url, BORELA_SECRET_KEY: K2 }));
    expect(b).toContain("BORELA_SECRET_KEY does not match the key of this store");
    for (const secret of [K, K2, check]) expect(b).not.toContain(secret);

    const cDir = await dir();
    const c = await refused("c", env(cDir, { BORELA_DATABASE_URL: url }));
    expect(c).toContain("BORELA_SECRET_KEY is not set, so a new key was generated into");
    expect(c).toContain("several cores (and workers) on one store need the same BORELA_SECRET_KEY");
    expect(c).not.toContain(check);
    // The failed start leaves the data dir as it found it: no stray key file for the next try.
    expect(existsSync(path.join(cDir, "secret.key"))).toBe(false);

    // The worker checks before it touches Redis (nothing listens on port 9).
    const worker = await startWorkerProcess("w", env(await dir(), { BORELA_DATABASE_URL: url, BORELA_SECRET_KEY: K2, BORELA_REDIS_URL: "redis://127.0.0.1:9" }), 60_000).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(worker).toMatch(/exited with 2 first/);
    expect(worker).toContain("BORELA_SECRET_KEY does not match");
    expect(worker).not.toContain(K2);

    // The right key still joins.
    const d = await serve("d", env(await dir(), { BORELA_DATABASE_URL: url, BORELA_SECRET_KEY: K }));
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
  }, 110_000);
});

describe("one core on SQLite", () => {
  it("a data dir whose secret.key was replaced refuses to start; the key that sealed it starts", async () => {
    const dataDir = await dir();
    const a = await serve("sqlite-a", env(dataDir, {}));
    await sealSomething(a);
    expect((await api(a, "POST", "/api/v1/projects", { name: "shop" })).status).toBe(201);
    await a.stop();
    const keyFile = path.join(dataDir, "secret.key");
    const original = readFileSync(keyFile, "utf8");
    writeFileSync(keyFile, "another-key-file-0123456789\n", { mode: 0o600 });
    const out = await refused("sqlite-b", env(dataDir, {}));
    expect(out).toContain(`BORELA_SECRET_KEY is not set and the key file ${keyFile} does not match the key of this store`);
    expect(out).not.toContain("another-key-file");
    expect(out).not.toContain(original.trim());
    // A CLI command on the store checks the same.
    const drill = await runBorela(["drill", "run", "shop", "--data-dir", dataDir], { env: cleanEnv() });
    expect(drill.code).toBe(2);
    expect(drill.stderr).toContain("does not match the key of this store");
    expect(drill.stderr).toContain("BORELA_SECRET_KEY");
    writeFileSync(keyFile, original);
    await (await serve("sqlite-c", env(dataDir, {}))).stop();
  }, 90_000);

  it("an old store (secrets, no check value) gets the check value with the right key and refuses another", async () => {
    const dataDir = await dir();
    const a = await serve("old-a", env(dataDir, { BORELA_SECRET_KEY: K }));
    await sealSomething(a);
    await a.stop();
    // As a store written before the check value existed.
    const db = new Sqlite(databaseFile(dataDir));
    db.prepare(`DELETE FROM "Setting" WHERE key = ?`).run(KEY_CHECK_SETTING);
    db.close();
    const checks = () => readRows<{ value: string }>(databaseFile(dataDir), `SELECT value FROM "Setting" WHERE key = ?`, KEY_CHECK_SETTING);

    const wrong = await refused("old-b", env(dataDir, { BORELA_SECRET_KEY: K2 }));
    expect(wrong).toContain("BORELA_SECRET_KEY does not match the key of this store");
    expect(checks()).toEqual([]);

    await (await serve("old-c", env(dataDir, { BORELA_SECRET_KEY: K }))).stop();
    expect(checks()).toEqual([{ value: keyCheckValue(keyOf(K)) }]);
  }, 90_000);
});
