import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { renderSnippet, SNIPPET_KINDS } from "../../src/snippets/render.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const input = {
  projectName: "shop",
  serverUrl: "https://borela.example.com/",
  databases: ["/rails/storage/production.sqlite3", "/rails/storage/production_queue.sqlite3"],
  serviceName: "web",
  volume: "shop_storage:/rails/storage",
};

function cli(...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, "core/bin/borela.js"), "init", ...args], { encoding: "utf8", env: { ...process.env, BORELA_SERVER: "" } });
}

describe("snippets", () => {
  it("compose: the app's volume at the same path, token referenced, restart policy, no fixed user", () => {
    const doc = parse(renderSnippet("compose", input));
    const svc = doc.services.borela;
    expect(svc.volumes).toEqual(["shop_storage:/rails/storage"]);
    expect(svc.environment).toEqual({
      BORELA_SERVER: "https://borela.example.com",
      BORELA_AGENT_TOKEN: "${BORELA_AGENT_TOKEN}",
      BORELA_DATABASES: "/rails/storage/production.sqlite3,/rails/storage/production_queue.sqlite3",
    });
    expect(svc).toMatchObject({ restart: "unless-stopped", command: ["agent"], depends_on: ["web"] });
    // Without --user the image's entrypoint runs the agent as the database's owner.
    expect(svc.user).toBeUndefined();
    expect(svc.network_mode).toBeUndefined();
    expect(parse(renderSnippet("compose", { ...input, hostNetwork: true })).services.borela.network_mode).toBe("host");
  });

  it("bring-your-own replica is passed through; managed mode leaves it out", () => {
    const byo = parse(renderSnippet("compose", { ...input, replicaUrl: "s3://bucket/shop" })).services.borela.environment;
    expect(byo.BORELA_REPLICA_URL).toBe("s3://bucket/shop");
    expect(parse(renderSnippet("coolify", input)).services.borela.environment.BORELA_REPLICA_URL).toBeUndefined();
  });

  it("kamal: an accessory with the token as a secret and the app's volume", () => {
    const doc = parse(renderSnippet("kamal", input));
    expect(doc.accessories.borela).toMatchObject({
      image: "borela/borela:latest",
      cmd: "agent",
      env: { clear: { BORELA_SERVER: "https://borela.example.com" }, secret: ["BORELA_AGENT_TOKEN"] },
      volumes: ["shop_storage:/rails/storage"],
    });
  });

  it("labels: the dev.borela.* scheme", () => {
    expect(parse(renderSnippet("labels", input)).labels).toEqual({
      "dev.borela.enable": "true",
      "dev.borela.project": "shop",
      "dev.borela.databases": "/rails/storage/production.sqlite3,/rails/storage/production_queue.sqlite3",
      "dev.borela.server": "https://borela.example.com",
    });
  });

  it("docker run: host volume at the same path, token taken from the environment", () => {
    const line = renderSnippet("docker-run", { ...input, hostNetwork: true });
    expect(line).toContain("-v shop_storage:/rails/storage");
    expect(line).toMatch(/-e BORELA_AGENT_TOKEN \\\n/);
    expect(line).toContain("--network host");
    expect(line).toContain("--restart unless-stopped");
  });

  it("systemd: restart always, after the network, env file", () => {
    const unit = renderSnippet("systemd", input);
    expect(unit).toMatch(/^\[Unit\]$/m);
    expect(unit).toMatch(/^After=network-online\.target$/m);
    expect(unit).toMatch(/^Wants=network-online\.target$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/borela\/agent\.env$/m);
    expect(unit).toMatch(/^ExecStart=\S+ \S+borela\.js agent$/m);
    expect(unit).toMatch(/^WantedBy=multi-user\.target$/m);
  });

  it("never contains a real secret in any kind", () => {
    for (const kind of SNIPPET_KINDS) {
      const text = renderSnippet(kind, input);
      expect(text).not.toMatch(/bra_[\w-]{10,}/);
    }
  });
});

describe("borela init", () => {
  it("prints only the snippet on stdout", () => {
    const res = cli("compose", "--database", "/data/app.sqlite3", "--service", "app");
    expect(res.status).toBe(0);
    expect(parse(res.stdout).services.borela.volumes).toEqual(["app_data:/data"]);
    expect(res.stderr).toContain("hint: --server");
  });

  it.each([
    [["compose", "--database", "data/app.sqlite3"], /database path "data\/app.sqlite3" must be absolute/],
    [["compose"], /at least one --database PATH/],
    [["nomad", "--database", "/d/a.db"], /init needs one of compose, docker-run, coolify, kamal, labels, systemd, env-file, core-compose, not "nomad"/],
    [["compose", "--database", "/d/a.db", "--replica", "ftp://x"], /replica URL "ftp:\/\/x"/],
    [["compose", "--database", "/d/a.db", "--server", "not a url"], /server URL "not a url" is not a URL/],
    [["compose", "--database", "/other/a.db", "--volume", "v:/data"], /database \/other\/a.db is not inside the shared volume's path \/data/],
  ])("refuses %j naming the bad value", (args, message) => {
    const res = cli(...(args as string[]));
    expect(res.status).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(message);
  });

  it("systemd --write installs the unit (0644) and an env file (0600) without a real token", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "borela-systemd-"));
    try {
      const res = cli("systemd", "--database", "/var/lib/app/app.sqlite3", "--server", "https://b.example.com", "--write", "--root", dir);
      expect(res.status).toBe(0);
      const unit = path.join(dir, "etc/systemd/system/borela-agent.service");
      const env = path.join(dir, "etc/borela/agent.env");
      expect(statSync(unit).mode & 0o777).toBe(0o644);
      expect(statSync(env).mode & 0o777).toBe(0o600);
      expect(readFileSync(unit, "utf8")).toMatch(/^Restart=always$/m);
      expect(readFileSync(env, "utf8")).toContain("BORELA_AGENT_TOKEN=paste-the-project-agent-token-here");
      expect(readFileSync(env, "utf8")).toContain("BORELA_DATABASES=/var/lib/app/app.sqlite3");
      expect(res.stdout).toBe("");
      // systemd's own checker, where the machine has it (it does here and on CI: Debian's systemd).
      const analyze = spawnSync("systemd-analyze", ["verify", unit], { encoding: "utf8" });
      if (analyze.error === undefined) expect(analyze.status, analyze.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("GET /api/v1/projects/:id/snippets", () => {
  it("renders every kind from the project's reported databases", async () => {
    const { startTestCore, heartbeat } = await import("../support/core-server.ts");
    const core = await startTestCore({ BORELA_PUBLIC_URL: "https://borela.example.com" });
    try {
      const p = await core.createProject("snippets");
      await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() });
      const res = await core.api("GET", `/api/v1/projects/${p.id}/snippets`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual([...SNIPPET_KINDS].sort());
      const compose = parse(res.body.compose).services.borela;
      expect(compose.environment.BORELA_SERVER).toBe("https://borela.example.com");
      expect(compose.environment.BORELA_DATABASES).toBe("/data/app.sqlite3");
      // The reported file replica gets its volume, as the core mounts it for drills.
      expect(compose.volumes).toEqual(["app_data:/data", "borela-replicas:/backups"]);
      expect(JSON.stringify(res.body)).not.toContain(p.agentToken);
      expect((await core.api("GET", `/api/v1/projects/nope/snippets`)).status).toBe(404);
    } finally {
      await core.close();
    }
  });
});
