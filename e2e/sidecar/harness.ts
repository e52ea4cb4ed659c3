// The sidecar as a new user meets it (issue 15), on the suite's Docker engine (host networking only,
// no Docker or compose network): the image from a fresh clone with `npm run image`, the core in Docker
// from `borela init core-compose`, apps and sidecars from `borela init compose` and `init labels`,
// driven through the core's API. Every wait is bounded.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { ensureDocker } from "../../core/test/support/docker.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { stopChild, watchChild } from "../../core/test/support/child-output.ts";

export const root = path.resolve(import.meta.dirname, "../..");
/** The line the image's agents run by default (0.5): plain restores of their replicas use its binary. */
export const LITESTREAM = path.join(root, ".tools/bin/litestream-0.5");
/** The replica volume `borela init` names by default; the suite's replicas live under /replicas/e2e-<pid>-*. */
export const REPLICA_VOLUME = "borela-replicas";

/**
 * A clone of this repository's HEAD with node_modules linked in from the work tree (the same lockfile,
 * standing in for `npm ci`), then README's `npm run image`. Returns the built image's id and the seconds it took.
 */
export function imageFromFreshClone(dir: string): { id: string; seconds: number; sizeMb: number } {
  ensureDocker();
  execFileSync("git", ["clone", "-q", root, dir]);
  for (const modules of ["node_modules", "core/node_modules", "dashboard/node_modules"]) {
    if (existsSync(path.join(root, modules))) execFileSync("cp", ["-al", path.join(root, modules), path.join(dir, modules)]);
  }
  const started = Date.now();
  const out = execFileSync("npm", ["run", "image"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 900_000 });
  const line = out.trim().split("\n").at(-1) ?? "";
  const m = /^built borela\/borela:latest \((sha256:[0-9a-f]+)\) from \S+: (\d+) MB/.exec(line);
  if (!m) throw new Error(`npm run image printed no image id: ${line}`);
  return { id: m[1], seconds: Math.round((Date.now() - started) / 1000), sizeMb: Number(m[2]) };
}

export function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 120_000): string {
  return execFileSync(cmd, args, { encoding: "utf8", env, timeout, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** `borela <args>` from this checkout, asynchronously (nothing here blocks on it). */
export function borela(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const child = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), ...args], { env });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (clearTimeout(timer), code === 0 ? resolve(out) : reject(new Error(`borela ${args.join(" ")} exited ${code}: ${err}`)))),
  );
}

/** A compose project in its own directory: write the file, run docker-compose against it. */
export class ComposeProject {
  readonly file: string;
  constructor(
    readonly name: string,
    dir: string,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = path.join(dir, `${name}.yml`);
  }
  write(doc: unknown): void {
    writeFileSync(this.file, stringify(doc));
  }
  run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("docker-compose", ["-p", this.name, "-f", this.file, ...args], { env: this.env, encoding: "utf8", timeout: 180_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  ok(...args: string[]): string {
    const r = this.run(...args);
    if (r.status !== 0) throw new Error(`docker-compose ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }
  container(service: string): string {
    return this.ok("ps", "-q", service).trim();
  }
}

export function volumeMountpoint(volume: string): string {
  return sh("docker", ["volume", "inspect", "--format", "{{.Mountpoint}}", volume]);
}

export function processUid(container: string): number {
  const status = sh("docker", ["exec", container, "cat", "/proc/1/status"]);
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

export function health(container: string): string {
  return sh("docker", ["inspect", "--format", "{{.State.Health.Status}}", container]);
}

/** The core's admin API over loopback. */
export function api(base: string, token: string) {
  return async (method: string, url: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

export type Api = ReturnType<typeof api>;

export async function waitFresh(call: Api, projectId: string, what: string, timeoutMs = 120_000): Promise<any> {
  return waitFor(
    async () => {
      const p = await call("GET", `/api/v1/projects/${projectId}`);
      return p.status === "fresh" && p.storageBytes > 0 ? p : null;
    },
    { timeoutMs, intervalMs: 1000, what },
  );
}

/** Runs a drill through the API and waits for its end (bounded). */
export async function drill(call: Api, projectId: string): Promise<any> {
  const { id } = await call("POST", `/api/v1/projects/${projectId}/drills`, {});
  return waitFor(
    async () => {
      const d = await call("GET", `/api/v1/drills/${id}`);
      return ["passed", "failed", "error"].includes(d.status) ? d : null;
    },
    { timeoutMs: 90_000, intervalMs: 1000, what: `drill ${id} to finish` },
  );
}

/** A plain `litestream restore` of a file replica on the replica volume, read from the host. */
export function plainRestore(replicaPath: string, out: string): void {
  sh(LITESTREAM, ["restore", "-o", out, `file://${path.join(volumeMountpoint(REPLICA_VOLUME), replicaPath.replace(/^\/replicas\//, ""))}`]);
}

/** A SQLite app in the Borela image: WAL mode, one row every `everyMs`, exits on SIGTERM like a well-behaved app. */
export function writerApp(dbPath: string, everyMs: number): string[] {
  const code =
    `const D=require('/app/node_modules/better-sqlite3');const db=new D(${JSON.stringify(dbPath)});db.pragma('journal_mode=WAL');` +
    `db.exec('create table if not exists events(id integer primary key, at text)');` +
    `setInterval(()=>db.prepare('insert into events(at) values(?)').run(new Date().toISOString()),${everyMs});` +
    `process.on('SIGTERM',()=>{db.close();process.exit(0)});setTimeout(()=>process.exit(0),900000)`;
  return ["node", "-e", code];
}

export function startDiscover(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), "discover", ...args], { env });
  return { child, output: watchChild(child, 1_000_000).output, stop: () => stopChild(child, 40_000) };
}
