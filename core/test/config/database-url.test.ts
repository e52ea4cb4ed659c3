// Issue 20, foundation: BORELA_DATABASE_URL is reserved for PostgreSQL, which is not finished (the raw
// hot path is SQLite SQL). A postgresql:// URL must stop the core at start with an error saying so
// (before the old code, it was silently ignored and the core ran on SQLite), and the URL's password
// must not be printed.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
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
    expect(loadConfig({ BORELA_DATA_DIR: tmp.path }).dataDir).toBe(tmp.path);
    expect(loadConfig({ BORELA_DATA_DIR: tmp.path, BORELA_DATABASE_URL: "" }).dataDir).toBe(tmp.path);
  });

  it("postgresql:// or postgres:// is refused, naming the variable, without the password", () => {
    for (const url of [URL, URL.replace("postgresql:", "postgres:")]) {
      expect(() => loadConfig({ BORELA_DATABASE_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig({ BORELA_DATABASE_URL: url })).toThrow(/BORELA_DATABASE_URL .*PostgreSQL support is not finished/);
      expect(() => loadConfig({ BORELA_DATABASE_URL: url })).not.toThrow(/hunter2/);
    }
  });

  it("any other value is refused, naming its scheme only", () => {
    expect(() => loadConfig({ BORELA_DATABASE_URL: "mysql://u:hunter2@h/db" })).toThrow(/BORELA_DATABASE_URL \(scheme mysql\) is not supported/);
    expect(() => loadConfig({ BORELA_DATABASE_URL: "hunter2" })).toThrow(/scheme none/);
  });

  it("borela serve stops at start with the error, and never opens its SQLite store", async () => {
    const dataDir = path.join(tmp.path, "serve");
    const run = await runBorela(["serve"], {
      env: { ...cleanEnv(), BORELA_DATA_DIR: dataDir, BORELA_PORT: "0", BORELA_DATABASE_URL: URL },
      timeoutMs: 60_000,
    });
    expect(run.code, run.stdout + run.stderr).not.toBe(0);
    expect(run.code).not.toBe(99);
    expect(run.stdout + run.stderr).toContain("PostgreSQL support is not finished");
    expect(run.stdout + run.stderr).not.toContain("hunter2");
    expect(existsSync(path.join(dataDir, "borela.db"))).toBe(false);
  }, 90_000);
});
