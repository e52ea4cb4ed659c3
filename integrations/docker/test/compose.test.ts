// The compose snippet for real: `borela init compose` beside a tiny app
// service, brought up with Debian's docker-compose on the engine (host
// networking only, so compose creates no network): it replicates and
// heartbeats until the project is fresh.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { buildBorelaImage } from "../../../core/test/support/docker.ts";
import { startTestCore, type TestCore } from "../../../core/test/support/core-server.ts";
import { tmpDir, type TmpDir } from "../../../core/test/support/tmp.ts";
import { waitFor } from "../../../core/test/support/wait-for.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const project = `borela-compose-${process.pid}`;
let image: string;
let core: TestCore;
let tmp: TmpDir;
let composeFile = "";

beforeAll(async () => {
  image = buildBorelaImage();
  execFileSync("bash", ["-c", "command -v docker-compose >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null)"]);
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1" });
  tmp = await tmpDir("borela-compose-");
}, 900_000);

afterAll(async () => {
  if (composeFile) execFileSync("docker-compose", ["-p", project, "-f", composeFile, "down", "-v", "--timeout", "20"], { stdio: "ignore" });
  await core?.close();
  await tmp?.remove();
});

function init(...args: string[]): Promise<string> {
  // Asynchronous: the CLI runs beside the core that lives in this process.
  const child = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), "init", ...args]);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`init exited ${code}`)))));
}

const WRITER = `const D=require('/app/node_modules/better-sqlite3');const db=new D('/data/app.sqlite3');db.pragma('journal_mode=WAL');db.exec('create table if not exists events(id integer primary key, at text)');setInterval(()=>db.prepare('insert into events(at) values(?)').run(new Date().toISOString()),500);setTimeout(()=>process.exit(0),150000)`;

describe("the compose snippet on a real engine", () => {
  it("passes docker-compose config, replicates and heartbeats beside a tiny app", async () => {
    const p = await core.createProject("composed", { staleAfterSeconds: 10, heartbeatGraceSeconds: 10 });
    const snippet = parse(
      await init("compose", "--service", "app", "--database", "/data/app.sqlite3", "--server", core.url, "--replica", "file:///data/replica", "--host-network", "--image", image),
    );
    const compose = {
      services: {
        app: { image, user: "1000:1000", entrypoint: ["node", "-e", WRITER], volumes: ["app_data:/data"], network_mode: "host" },
        ...snippet.services,
      },
      volumes: { app_data: {} },
    };
    composeFile = path.join(tmp.path, "compose.yml");
    writeFileSync(composeFile, stringify(compose));
    const env = { ...process.env, BORELA_AGENT_TOKEN: p.agentToken };
    const config = execFileSync("docker-compose", ["-p", project, "-f", composeFile, "config"], { env, encoding: "utf8" });
    // The sidecar mounts the app's volume at the same path.
    expect(parse(config).services.borela.volumes).toEqual(parse(config).services.app.volumes);
    expect(String(parse(config).services.borela.volumes[0])).toMatch(/^(\S*_)?app_data:\/data/);

    execFileSync("docker-compose", ["-p", project, "-f", composeFile, "up", "-d"], { env, stdio: "ignore" });
    const fresh = await waitFor(
      async () => {
        const d = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
        return d.status === "fresh" && d.storageBytes > 0 ? d : null;
      },
      { timeoutMs: 90_000, what: "the composed project to turn fresh" },
    );
    expect(fresh.databases[0]).toMatchObject({ name: "app", path: "/data/app.sqlite3", replicas: [expect.objectContaining({ url: "file:///data/replica" })] });
    expect(execFileSync("docker", ["network", "ls", "--format", "{{.Name}}"], { encoding: "utf8" })).not.toContain(project);
  }, 240_000);
});
