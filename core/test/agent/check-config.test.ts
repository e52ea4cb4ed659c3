// `borela agent --check-config` through the real CLI entry (node core/bin/borela.js).
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");

function check(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_")));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "agent", "--check-config", ...args], { env: { ...clean, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("borela agent --check-config", () => {
  it("exits 0 and summarises a good environment-only configuration", async () => {
    const r = await check({ BORELA_SERVER: "http://127.0.0.1:8787", BORELA_AGENT_TOKEN: "brag_x", BORELA_DATABASES: "/data/app.sqlite3", BORELA_REPLICA_URL: "s3://KEY:SECRET@bkt/app" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("configuration OK");
    expect(r.stdout).toContain("app          /data/app.sqlite3 → s3://bkt/app");
    expect(r.stdout + r.stderr).not.toContain("SECRET");
  });

  it.each([
    [{ BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "/a.db" }, "no server"],
    [{ BORELA_SERVER: "http://x", BORELA_DATABASES: "/a.db" }, "no agent token"],
    [{ BORELA_SERVER: "http://x", BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "a.db" }, 'database path "a.db" from BORELA_DATABASES is not absolute'],
    [{ BORELA_SERVER: "http://x", BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "/a.db", BORELA_REPLICA_URL: "s3:/" }, "BORELA_REPLICA_URL"],
  ])("exits non-zero naming the bad value (%#)", async (env, message) => {
    const r = await check(env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });

  it.each([[[] as string[]], [["--litestream-version", "0.5"]]])("names the Litestream 0.5 binary and version the agent will run (%j), not the npm 0.3.13 one", async (args) => {
    const env = { BORELA_SERVER: "http://127.0.0.1:9", BORELA_AGENT_TOKEN: "brag_x", BORELA_DATABASES: "/data/app.sqlite3", BORELA_REPLICA_URL: "file:///tmp/r" };
    const r = await check(env, args);
    expect(r.code).toBe(0);
    const line = r.stdout.split("\n").find((l) => l.trim().startsWith("litestream")) ?? "";
    expect(line).toContain(path.join(".tools", "bin", "litestream-0.5"));
    expect(line).toMatch(/\(v0\.5\.\d+, line 0\.5\)/);
    expect(line).not.toContain("node_modules");
  });

  it("names the npm 0.3.13 binary with --litestream-version 0.3", async () => {
    const env = { BORELA_SERVER: "http://127.0.0.1:9", BORELA_AGENT_TOKEN: "brag_x", BORELA_DATABASES: "/data/app.sqlite3", BORELA_REPLICA_URL: "file:///tmp/r" };
    const r = await check(env, ["--litestream-version", "0.3"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/litestream .*node_modules.*\(v0\.3\.13, line 0\.3\)/);
  });

  it("rejects an unknown flag by name", async () => {
    const r = await check({}, ["--databse", "/a.db"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--databse");
  });
});
