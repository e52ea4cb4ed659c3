// `npm start` on a fresh data dir shows the whole loop: demo project, live
// sample database, agent + Litestream, fresh status. Ctrl-C stops every child;
// starting again resumes without duplicates; `borela demo --reset` removes it.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import net from "node:net";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-demo-"));
const adminToken = "bradm_demo_test";
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function npmStart(port: number): { child: ChildProcess; output: () => string } {
  const c = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    // Pinned to 0.3: the restart is judged by its generations (the demo's default is 0.5).
    env: { ...process.env, BORELA_DATA_DIR: dataDir, BORELA_PORT: String(port), BORELA_ADMIN_TOKEN: adminToken, BORELA_LITESTREAM_VERSION: "0.3" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  c.stdout!.on("data", (d) => (out += d));
  c.stderr!.on("data", (d) => (out += d));
  return { child: c, output: () => out };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function projects(port: number): Promise<any[]> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/projects`, { headers: { authorization: `Bearer ${adminToken}` } });
  return res.json() as Promise<any[]>;
}

function litestreamProcessesFor(dir: string): number {
  const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" }).stdout;
  return ps.split("\n").filter((l) => l.includes("litestream") && l.includes(dir)).length;
}

async function stop(c: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => c.once("exit", (code) => resolve(code)));
  c.kill("SIGINT");
  return exited;
}

describe("npm start", () => {
  it("starts the demo loop, stops cleanly on Ctrl-C and resumes without duplicates", async () => {
    const port = await freePort();
    const first = npmStart(port);
    child = first.child;
    const demo = await waitFor("the demo project to turn fresh", async () => {
      const list = await projects(port);
      const d = list.find((p) => p.name === "demo");
      return d?.status === "fresh" && d.storageBytes > 0 ? d : undefined;
    }, 90);
    expect(first.output()).toContain(`Dashboard: http://127.0.0.1:${port}/`);
    expect(first.output()).toMatch(/Restore the demo database: .*borela restore demo --database app/);
    const detail = await (await fetch(`http://127.0.0.1:${port}/api/v1/projects/${demo.id}`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
    expect(detail.databases.map((d: any) => d.name).sort()).toEqual(["app", "borela"]);
    expect(litestreamProcessesFor(dataDir)).toBe(1);
    const drill = await waitFor("the first drill to pass", async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/projects/${demo.id}/drills`, { headers: { authorization: `Bearer ${adminToken}` } });
      const list = (await res.json()) as any[];
      // The first drill covers every database (app and the core's own borela.db).
      return list.find((d) => d.status === "passed" && d.database === "app");
    }, 60);
    expect(drill.database).toBe("app");
    expect(Object.keys(drill.report.tables).sort()).toEqual(["events", "orders", "users"]);
    expect(drill.report.tables.users).toBe(10);

    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toContain("litestream stopped");
    expect(first.output()).not.toMatch(/second SIG\w+, exiting without waiting/);
    const replicaDir = path.join(dataDir, "demo", "replica");
    const generations = () => Object.fromEntries(readdirSync(replicaDir).map((db) => [db, readdirSync(path.join(replicaDir, db, "generations")).sort()]));
    const before = generations();
    expect(Object.values(before).map((g) => g.length)).toEqual([1, 1]);
    expect(litestreamProcessesFor(dataDir)).toBe(0);

    const second = npmStart(port);
    child = second.child;
    await waitFor("a heartbeat after restart", async () => {
      const d = (await projects(port)).find((p) => p.name === "demo");
      return d && new Date(d.lastHeartbeatAt).getTime() > Date.now() - 10_000 && d.status === "fresh" ? d : undefined;
    }, 90);
    // The restart resumed both databases' generations: no new snapshot, no note, no incident.
    await waitFor("the restarted agent to replicate", async () => (/litestream started/.test(second.output()) ? true : undefined), 60);
    await new Promise((r) => setTimeout(r, 12_000));
    expect(second.output()).not.toMatch(/clearing generation|new generation/);
    expect(generations()).toEqual(before);
    const incidents = await (await fetch(`http://127.0.0.1:${port}/api/v1/projects/${demo.id}/incidents`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
    expect(incidents).toEqual([]);
    const list = await projects(port);
    expect(list.filter((p) => p.name === "demo")).toHaveLength(1);
    expect(list.find((p) => p.name === "demo").id).toBe(demo.id);
    expect(await stop(second.child)).toBe(0);
    child = null;

    const reset = spawnSync(process.execPath, [path.join(root, "core/bin/borela.js"), "demo", "--reset"], {
      env: { ...process.env, BORELA_DATA_DIR: dataDir },
      encoding: "utf8",
    });
    expect(reset.status).toBe(0);
    expect(existsSync(path.join(dataDir, "demo"))).toBe(false);
  }, 240_000);
});
