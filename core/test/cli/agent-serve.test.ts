// Start-up errors a new user meets, through the real CLI entry: `borela serve` on
// a busy port (old code: a raw EADDRINUSE stack trace), `borela agent
// --check-config` with a token the core refuses (old code: "configuration OK",
// exit 0), `--interval -5` (old code: parseArgs' "argument is ambiguous"), and
// the agent's default paths, one set per agent (old code: /tmp/borela-agent.json
// and /tmp/borela-agent-<uid> shared by every agent of the user).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentPaths, loadAgentSettings } from "../../src/agent/settings.ts";
import { joinNegativeValues } from "../../src/commands/args.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_")));

function borela(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...clean, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

let core: TestCore;
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-cli-serve-"));
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("borela serve on a port in use", () => {
  it("exits 1 with one line naming the port, no stack trace", async () => {
    const busy = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => busy.once("listening", r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const res = await borela(["serve", "--port", String(port), "--data-dir", dataDir]);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`borela serve: port ${port} on 127.0.0.1 is already in use: stop what listens there, or choose another port with --port or BORELA_PORT\n`);
    } finally {
      busy.close();
    }
  });
});

describe("borela agent --check-config asks the core", () => {
  const base = { BORELA_DATABASES: "/data/app.sqlite3", BORELA_REPLICA_URL: "file:///backups/app" };

  it("exits 1 naming the token (hint, never the secret) and its source when the core refuses it", async () => {
    const token = "bra_not-a-token-of-this-core-1234";
    const res = await borela(["agent", "--check-config"], { ...base, BORELA_SERVER: core.url, BORELA_AGENT_TOKEN: token });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`borela agent: the core at ${core.url} refuses the agent token bra_…1234 from BORELA_AGENT_TOKEN: HTTP 401: invalid agent token\n`);
    expect(res.stdout + res.stderr).not.toContain(token);
    const flag = await borela(["agent", "--check-config", "--token", token], { ...base, BORELA_SERVER: core.url });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain("refuses the agent token bra_…1234 from --token");
  });

  it("exits 0 and says the core accepts a real token", async () => {
    const project = await core.createProject("check-config-ok");
    const res = await borela(["agent", "--check-config"], { ...base, BORELA_SERVER: core.url, BORELA_AGENT_TOKEN: project.agentToken });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`server     ${core.url} (accepts the agent token ${project.agentToken.slice(0, 4)}…${project.agentToken.slice(-4)})`);
    expect(res.stdout).not.toContain(project.agentToken);
  });

  it("a core that cannot be reached is a warning, not a failure (configs are checked before deploys)", async () => {
    const res = await borela(["agent", "--check-config"], { ...base, BORELA_SERVER: "http://127.0.0.1:9", BORELA_AGENT_TOKEN: "bra_x" });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/server     http:\/\/127\.0\.0\.1:9 \(warning: could not ask the core about the agent token bra_…ra_x: GET http:\/\/127\.0\.0\.1:9\/api\/v1\/agent\/config failed: ECONNREFUSED\)/);
  });
});

describe("agent flags", () => {
  it("--interval -5 names the value instead of 'argument is ambiguous'", async () => {
    const res = await borela(["agent", "--check-config", "--interval", "-5"], { ...base(), BORELA_SERVER: "http://127.0.0.1:9", BORELA_AGENT_TOKEN: "bra_x" });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('borela agent: --interval="-5" is not a whole number between 1 and 3600\n');
    expect(joinNegativeValues(["--interval", "-5", "--database", "/a"], { interval: { type: "string" }, database: { type: "string" } })).toEqual(["--interval=-5", "--database", "/a"]);
    // A flag is never swallowed as a value.
    expect(joinNegativeValues(["--server", "--token", "x"], { server: { type: "string" }, token: { type: "string" } })).toEqual(["--server", "--token", "x"]);
  });

  it("two agents of one user get their own state dir and status file; a restarted agent finds its own again", async () => {
    const a = await loadAgentSettings({}, { BORELA_SERVER: "http://127.0.0.1:8787", BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "/srv/a/app.sqlite3" });
    const b = await loadAgentSettings({}, { BORELA_SERVER: "http://127.0.0.1:8787", BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "/srv/b/app.sqlite3" });
    const otherCore = await loadAgentSettings({}, { BORELA_SERVER: "https://borela.example.com", BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "/srv/a/app.sqlite3" });
    const again = await loadAgentSettings({}, { BORELA_SERVER: "http://127.0.0.1:8787", BORELA_AGENT_TOKEN: "other", BORELA_DATABASES: "/srv/a/app.sqlite3" });
    expect(new Set([a.stateDir, b.stateDir, otherCore.stateDir]).size).toBe(3);
    expect(new Set([a.statusFile, b.statusFile, otherCore.statusFile]).size).toBe(3);
    expect(again.stateDir).toBe(a.stateDir);
    expect(a.statusFile).toBe(path.join(a.stateDir, "status.json"));
    expect(a.stateDir).toMatch(new RegExp(`^${tmpdir()}/borela-agent-${process.getuid!()}-[0-9a-f]{12}$`));
    expect(agentPaths("s", ["/x", "/y"], 1000, "/tmp")).toEqual(agentPaths("s", ["/y", "/x"], 1000, "/tmp"));
    // The sidecar image sets BORELA_AGENT_STATUS_FILE for its HEALTHCHECK: explicit settings still win.
    const sidecar = await loadAgentSettings({}, { BORELA_SERVER: "http://x", BORELA_AGENT_TOKEN: "t", BORELA_DATABASES: "/a.db", BORELA_AGENT_STATUS_FILE: "/tmp/borela-agent.json" });
    expect(sidecar.statusFile).toBe("/tmp/borela-agent.json");
  });
});

function base() {
  return { BORELA_DATABASES: "/data/app.sqlite3", BORELA_REPLICA_URL: "file:///backups/app" };
}
