// `borela discover` on a real engine (host networking only): a labelled app
// container writing SQLite gets a sidecar, its project turns fresh; a changed
// label makes the sidecar follow; a removed app takes its sidecar with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { buildBorelaImage, docker, removeContainer } from "../../../core/test/support/docker.ts";
import { startTestCore, type TestCore } from "../../../core/test/support/core-server.ts";
import { tmpDir, type TmpDir } from "../../../core/test/support/tmp.ts";
import { waitFor } from "../../../core/test/support/wait-for.ts";

const root = path.resolve(import.meta.dirname, "../../..");
let image: string;
let core: TestCore;
let tmp: TmpDir;
const created: string[] = [];

beforeAll(async () => {
  image = buildBorelaImage();
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1" });
  tmp = await tmpDir("borela-discover-");
}, 900_000);

afterAll(async () => {
  const ours = docker("ps", "-aq", "--filter", "label=borela-test.run").split("\n").filter(Boolean);
  for (const id of [...created, ...ours]) removeContainer(id);
  for (const id of docker("ps", "-aq", "--filter", "label=dev.borela.sidecar-for").split("\n").filter(Boolean)) {
    if (docker("inspect", "--format", "{{index .Config.Labels \"dev.borela.app-name\"}}", id).startsWith("discover-app")) removeContainer(id);
  }
  await core?.close();
  await tmp?.remove();
});

const WRITER = `const D=require('/app/node_modules/better-sqlite3');const db=new D(process.argv[1]);db.pragma('journal_mode=WAL');db.exec('create table if not exists events(id integer primary key, at text)');setInterval(()=>db.prepare('insert into events(at) values(?)').run(new Date().toISOString()),500);setTimeout(()=>process.exit(0),150000)`;

function startApp(name: string, labels: Record<string, string>, data: string, replica: string): string {
  const args = ["run", "-d", "--name", name, "--network", "host", "--user", "1000:1000", "-v", `${data}:${data}`, "-v", `${replica}:${replica}`, "--label", "borela-test.run=1"];
  for (const [k, v] of Object.entries(labels)) args.push("--label", `${k}=${v}`);
  const id = docker(...args, "--entrypoint", "node", image, "-e", WRITER, path.join(data, "app.sqlite3"));
  created.push(id);
  return id;
}

/** Runs discover as its own process, asynchronously: it talks to the core that lives in this test process. */
function runDiscover(...extra: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), "discover", "--server", core.url, "--image", image, ...extra], {
    env: { ...process.env, BORELA_ADMIN_TOKEN: core.adminToken, BORELA_DATA_DIR: path.join(tmp.path, "discover-state") },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  return new Promise((resolve) => child.on("exit", (status) => (clearTimeout(timer), resolve({ status, stdout, stderr }))));
}

async function discover(...extra: string[]): Promise<string> {
  const res = await runDiscover(...extra);
  expect(res.status, res.stderr).toBe(0);
  return res.stdout;
}

function sidecarsFor(appId: string): string[] {
  return docker("ps", "-q", "--filter", `label=dev.borela.sidecar-for=${appId}`).split("\n").filter(Boolean);
}

async function freshProject(name: string) {
  return waitFor(
    async () => {
      const list = (await core.api("GET", "/api/v1/projects")).body as any[];
      const p = list.find((x) => x.name === name);
      return p?.status === "fresh" && p.storageBytes > 0 ? p : null;
    },
    { timeoutMs: 60_000, what: `project ${name} to turn fresh` },
  );
}

describe("borela discover", () => {
  it("starts a sidecar for a labelled app, follows a label change, removes it with the app", async () => {
    const data = path.join(tmp.path, "data");
    const replica = path.join(tmp.path, "replica");
    mkdirSync(data, { recursive: true });
    mkdirSync(replica, { recursive: true });
    chmodSync(data, 0o777);
    chmodSync(replica, 0o777);
    const labels = {
      "dev.borela.enable": "true",
      "dev.borela.databases": path.join(data, "app.sqlite3"),
      "dev.borela.project": "discovered-shop",
      "dev.borela.replica": `file://${replica}/shop`,
    };
    const app = startApp("discover-app-1", labels, data, replica);
    await waitFor(() => (spawnSync("test", ["-s", path.join(data, "app.sqlite3")]).status === 0 ? true : null), { timeoutMs: 20_000, what: "the app's database" });

    const dry = await discover("--dry-run");
    expect(dry).toMatch(/would create borela-sidecar-discover-app-1 for discover-app-1 \(project discovered-shop/);
    expect(sidecarsFor(app)).toEqual([]);

    const created = await discover("--once");
    expect(created).toMatch(/^create borela-sidecar-discover-app-1 .*\n  done in [\d.]+ s: started borela-sidecar-discover-app-1/m);
    expect(sidecarsFor(app), created).toHaveLength(1);
    const first = sidecarsFor(app)[0];
    expect(docker("inspect", "--format", "{{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}}", first)).toBe("host unless-stopped");
    await freshProject("discovered-shop");
    expect(await discover("--once")).toBe(""); // idempotent

    // The label changes (the app is recreated with another project name): the sidecar follows.
    removeContainer(app);
    const app2 = startApp("discover-app-2", { ...labels, "dev.borela.project": "discovered-shop-2", "dev.borela.replica": `file://${replica}/shop2` }, data, replica);
    const out = await discover("--once");
    expect(out).toMatch(/create borela-sidecar-discover-app-2/);
    expect(out).toMatch(/stop \(SIGTERM, SIGKILL after 30 s\) and remove borela-sidecar-discover-app-1: its app container stopped or is gone\n  done in [\d.]+ s: stopped borela-sidecar-discover-app-1 \(exit code 0\) and removed it/);
    expect(sidecarsFor(app)).toEqual([]);
    expect(sidecarsFor(app2)).toHaveLength(1);
    await freshProject("discovered-shop-2");

    removeContainer(app2);
    expect(await discover("--once")).toMatch(/and remove borela-sidecar-discover-app-2/);
    expect(sidecarsFor(app2)).toEqual([]);
  }, 240_000);

  it("names the container and the key of a bad label, and starts nothing for it", async () => {
    const data = path.join(tmp.path, "bad");
    mkdirSync(data, { recursive: true });
    chmodSync(data, 0o777);
    const bad = startApp("discover-app-bad", { "dev.borela.enable": "true", "dev.borela.databases": "relative/app.sqlite3" }, data, data);
    const res = await runDiscover("--once");
    expect(res.stderr).toContain('container discover-app-bad: label dev.borela.databases has a relative path "relative/app.sqlite3"');
    expect(sidecarsFor(bad)).toEqual([]);
  });
});
