// The image's size (issue 19: the full image ≤ 210 MB, a third of the first image's 634 MB; the agent-only
// image no larger than before the core was bundled, 191 MB) and what the bundled core still does in it:
// `serve` as the owner of its data applies every committed migration on start, serves the dashboard, the
// API docs (swagger-ui's files beside the bundle) and /healthz; the image holds no TypeScript and no
// node_modules but better-sqlite3 (and swagger-ui's static files). Sizes are Docker's (bytes, MB = 1e6).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { buildBorelaImage, docker, ensureDocker, removeContainer, runContainer } from "../../core/test/support/docker.ts";
import { freePort } from "../../core/test/support/ports.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

const root = path.resolve(import.meta.dirname, "../..");
const FULL_MAX = 210e6;
const AGENT_MAX = 191.5e6; // 191.3 MB when the core was bundled (the agent was bundled already)
const agentImage = `borela/borela:agent-size-${process.pid}`;
let image: string;
let tmp: TmpDir;
const containers: string[] = [];

const sizeOf = (tag: string) => Number(docker("image", "inspect", "--format", "{{.Size}}", tag));

beforeAll(async () => {
  ensureDocker();
  image = buildBorelaImage();
  execFileSync(process.execPath, [path.join(root, "scripts/build-image.mjs"), "--agent", "--tag", agentImage], { cwd: root, stdio: ["ignore", "ignore", "inherit"], timeout: 900_000 });
  tmp = await tmpDir("borela-image-size-");
}, 900_000);

afterAll(async () => {
  for (const id of containers) removeContainer(id);
  spawnSync("docker", ["rmi", agentImage], { stdio: "ignore" });
  await tmp?.remove();
});

describe("the image's size", () => {
  it(`the full image is at most ${FULL_MAX / 1e6} MB and the agent-only image at most ${AGENT_MAX / 1e6} MB`, () => {
    const full = sizeOf(image);
    const agent = sizeOf(agentImage);
    process.stdout.write(`image sizes: full ${(full / 1e6).toFixed(1)} MB, agent ${(agent / 1e6).toFixed(1)} MB\n`);
    expect(full).toBeLessThanOrEqual(FULL_MAX);
    expect(agent).toBeLessThanOrEqual(AGENT_MAX);
    expect(agent).toBeLessThan(full);
  });

  it("holds no TypeScript and no node_modules but better-sqlite3 and swagger-ui's static files", () => {
    const ls = (dir: string) => docker("run", "--rm", "--network", "host", "--entrypoint", "ls", image, "-A", dir).split("\n").sort();
    expect(ls("/app/node_modules")).toEqual(["@fastify", "better-sqlite3"]);
    expect(ls("/app/node_modules/@fastify")).toEqual(["swagger-ui"]);
    expect(ls("/app/node_modules/@fastify/swagger-ui")).toEqual(["static"]);
    expect(ls("/app/core/bin")).toEqual(["borela.js"]);
    expect(ls("/app/core/src/drills/isolation").sort()).toEqual(["drill-child.mjs", "entry.mjs"]);
    // The image has no find or grep: node lists its files.
    const files = docker("run", "--rm", "--network", "host", "--entrypoint", "node", image, "-e", 'console.log(require("fs").readdirSync("/app", { recursive: true }).join("\\n"))').split("\n");
    expect(files).toContain("core/bin/borela.js");
    expect(files.filter((f) => /\.(ts|mts|cts|map)$/.test(f))).toEqual([]);
  });

  it("serve, bundled, runs as the owner of its data, applies every migration on start, serves the dashboard, the API docs and /healthz", async () => {
    const data = path.join(tmp.path, "data");
    execFileSync("mkdir", ["-p", data]);
    chownSync(data, 1000, 1000);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const id = runContainer(image, {
      env: { BORELA_PORT: String(port), BORELA_HOST: "127.0.0.1", BORELA_ADMIN_TOKEN: "image-size-admin-token-0123456789" },
      mounts: [`${data}:/data`],
      args: ["serve"],
    });
    containers.push(id);
    await waitFor(async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : null), { timeoutMs: 30_000, what: "the core's /healthz" }).catch((err) => {
      throw new Error(`${err.message}\n${docker("logs", "--tail", "40", id)}`);
    });
    expect(docker("exec", id, "cat", "/proc/1/status").match(/^Uid:\s+(\d+)/m)?.[1]).toBe("1000");

    const page = await fetch(`${url}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    const script = html.match(/src="\/?(assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    expect((await fetch(`${url}/${script}`)).status).toBe(200);
    expect((await fetch(`${url}/docs/`)).status).toBe(200);
    const css = await fetch(`${url}/docs/static/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect((await css.text()).length).toBeGreaterThan(1000);
    const projects = await fetch(`${url}/api/v1/projects`, { headers: { authorization: "Bearer image-size-admin-token-0123456789" } });
    expect(projects.status).toBe(200);

    const committed = readdirSync(path.join(root, "core/prisma/migrations"), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(root, "core/prisma/migrations", e.name, "migration.sql")))
      .map((e) => e.name)
      .sort();
    const db = new Database(path.join(data, "borela.db"), { readonly: true });
    try {
      const applied = db.prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name").all() as { migration_name: string }[];
      expect(applied.map((r) => r.migration_name)).toEqual(committed);
    } finally {
      db.close();
    }
  }, 120_000);
});
