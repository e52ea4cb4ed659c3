// Issue 20: BORELA_DATABASE_URL=postgresql://… selects the PostgreSQL store (store/open.ts); unset, the
// core runs on SQLite in BORELA_DATA_DIR. Any other value stops the core at start naming the variable,
// and the URL's password is never printed, not even when the server cannot be reached.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { freePort } from "../support/ports.ts";
import { cleanEnv, runBorela } from "../support/borela-cli.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const URL = "postgresql://borela:hunter2-secret@127.0.0.1:5432/borela";
let tmp: TmpDir;

beforeAll(async () => {
  tmp = await tmpDir("borela-db-url-");
});

afterAll(async () => {
  await tmp?.remove();
});

describe("BORELA_DATABASE_URL", () => {
  it("unset or empty: SQLite in BORELA_DATA_DIR, as before", () => {
    expect(loadConfig({ BORELA_DATA_DIR: tmp.path }).databaseUrl).toBeNull();
    expect(loadConfig({ BORELA_DATA_DIR: tmp.path, BORELA_DATABASE_URL: "" }).databaseUrl).toBeNull();
  });

  it("postgresql:// or postgres:// selects PostgreSQL: the URL as given", () => {
    for (const url of [URL, URL.replace("postgresql:", "postgres:")]) expect(loadConfig({ BORELA_DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it("a postgresql:// URL without a host or a database is refused, naming the variable, without the password", () => {
    for (const url of ["postgresql://u:hunter2@h", "postgresql://u:hunter2@h/", "postgresql://u:hunter2@/db", "postgresql://u:hunter2@h:99999/db"]) {
      expect(() => loadConfig({ BORELA_DATABASE_URL: url }), url).toThrow(ConfigError);
      expect(() => loadConfig({ BORELA_DATABASE_URL: url }), url).toThrow(/BORELA_DATABASE_URL/);
      expect(() => loadConfig({ BORELA_DATABASE_URL: url }), url).not.toThrow(/hunter2/);
    }
  });

  it("any other value is refused, naming its scheme only", () => {
    expect(() => loadConfig({ BORELA_DATABASE_URL: "mysql://u:hunter2@h/db" })).toThrow(/BORELA_DATABASE_URL \(scheme mysql\) is not supported/);
    expect(() => loadConfig({ BORELA_DATABASE_URL: "hunter2" })).toThrow(/scheme none/);
  });

  it("borela serve on an unreachable PostgreSQL stops at start without the password, and never opens a SQLite store", async () => {
    const dataDir = path.join(tmp.path, "serve");
    const url = `postgresql://borela:hunter2-secret@127.0.0.1:${await freePort()}/borela`;
    const run = await runBorela(["serve"], {
      env: { ...cleanEnv(), BORELA_DATA_DIR: dataDir, BORELA_PORT: "0", BORELA_DATABASE_URL: url },
      timeoutMs: 60_000,
    });
    expect(run.code, run.stdout + run.stderr).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/ECONNREFUSED|connect/);
    expect(run.stdout + run.stderr).not.toContain("hunter2");
    expect(existsSync(path.join(dataDir, "borela.db"))).toBe(false);
  }, 90_000);
});
