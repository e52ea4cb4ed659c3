// The agent-only image (`npm run image -- --agent`) on a real Docker engine (host networking only):
// it runs this machine's Node (the local base's), refuses core commands with a clear message, and as a sidecar replicates a database
// another process writes to until the project is fresh and the container healthy; a plain
// `litestream restore` of its replica has the database's rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { docker, ensureDocker, removeContainer } from "../../core/test/support/docker.ts";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startSqliteWriter, type SqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { runSidecar, sidecarDatabase, waitFreshProject } from "./sidecar-run.ts";
import { countRows } from "../../core/test/litestream/live.ts";
import { resolveLitestreamBinFor } from "../../core/src/litestream/binary.ts";

const root = path.resolve(import.meta.dirname, "../..");
const image = `borela/borela:agent-test-${process.pid}`;
let core: TestCore;
let tmp: TmpDir;
let writer: SqliteWriter | null = null;
const containers: string[] = [];

beforeAll(async () => {
  ensureDocker();
  execFileSync(process.execPath, [path.join(root, "scripts/build-image.mjs"), "--agent", "--tag", image], { cwd: root, stdio: ["ignore", "ignore", "inherit"], timeout: 900_000 });
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1" });
  tmp = await tmpDir("borela-agent-image-");
}, 900_000);

afterAll(async () => {
  await writer?.stop();
  for (const id of containers) removeContainer(id);
  spawnSync("docker", ["rmi", image], { stdio: "ignore" });
  await core?.close();
  await tmp?.remove();
});

describe("the agent-only image", () => {
  it("runs the base's Node and both Litestream lines, keeps the HEALTHCHECK, and refuses core commands", () => {
    expect(docker("run", "--rm", "--network", "host", "--entrypoint", "node", image, "--version")).toBe(process.version);
    expect(docker("run", "--rm", "--network", "host", "--entrypoint", "litestream-0.5", image, "version")).toBe("v0.5.16");
    expect(docker("run", "--rm", "--network", "host", "--entrypoint", "litestream", image, "version")).toBe("v0.3.13");
    expect(JSON.parse(docker("image", "inspect", "--format", "{{json .Config.Healthcheck}}", image)).Test).toContain("/app/sidecar-image/healthcheck.mjs");
    const serve = spawnSync("docker", ["run", "--rm", "--network", "host", image, "serve"], { encoding: "utf8" });
    expect(serve.status).toBe(2);
    expect(serve.stderr).toMatch(/agent-only image .* not `serve`/);
  });

  it("as a sidecar: replicates a database another process writes to, turns fresh and healthy, as the database's owner", async () => {
    const sidecar = sidecarDatabase(tmp.path);
    const { replica, dbPath } = sidecar;
    writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 5, durationMs: 90_000 });
    const project = await core.createProject("agent-image", { staleAfterSeconds: 10, heartbeatGraceSeconds: 10 });
    const id = runSidecar(image, core, project.agentToken, sidecar);
    containers.push(id);
    await waitFreshProject(core, project.id, id, "the agent image's project to turn fresh");
    await waitFor(() => (docker("inspect", "--format", "{{.State.Health.Status}}", id) === "healthy" ? true : null), {
      timeoutMs: 30_000,
      what: "the agent container to be healthy",
    });
    // Started as root, the entrypoint runs the agent as the database's owner.
    const uid = Number(/^Uid:\s+(\d+)/m.exec(docker("exec", id, "cat", "/proc/1/status"))?.[1]);
    expect(uid).toBe(statSync(dbPath).uid);

    await writer.stop();
    writer = null;
    await new Promise((r) => setTimeout(r, 3000));
    docker("stop", "-t", "20", id);
    const restored = path.join(tmp.path, "restored.sqlite3");
    execFileSync(resolveLitestreamBinFor("0.5"), ["restore", "-o", restored, `file://${replica}`]);
    expect(countRows(restored, "orders")).toBe(countRows(dbPath, "orders"));
  }, 180_000);
});
