// The Borela image on a real Docker engine (host networking only): it builds,
// runs as the owner of its data, carries Litestream 0.5.16 (the agent's default) and 0.3.13 and a
// HEALTHCHECK, and as a sidecar (default settings: Litestream 0.5) it replicates a database another
// process writes to and heartbeats to a core on loopback until the project is fresh.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { buildBorelaImage, docker, removeContainer } from "../../core/test/support/docker.ts";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startSqliteWriter, type SqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { runSidecar, sidecarDatabase, waitFreshProject } from "./sidecar-run.ts";
import { countRows } from "../../core/test/litestream/live.ts";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolveLitestreamBinFor } from "../../core/src/litestream/binary.ts";

let image: string;
let core: TestCore;
let tmp: TmpDir;
let writer: SqliteWriter | null = null;
const containers: string[] = [];

beforeAll(async () => {
  image = buildBorelaImage();
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1" });
  tmp = await tmpDir("borela-sidecar-");
}, 900_000);

afterAll(async () => {
  for (const id of containers) removeContainer(id);
  await writer?.stop();
  await core?.close();
  await tmp?.remove();
});

describe("the Borela image", () => {
  it("runs borela, Litestream 0.5.16 and 0.3.13 as the owner of its data (uid 1000 in the image), with a HEALTHCHECK", () => {
    expect(docker("run", "--rm", "--network", "host", image, "--help")).toMatch(/usage: borela <command>/i);
    expect(docker("run", "--rm", "--network", "host", "--entrypoint", "litestream", image, "version")).toBe("v0.3.13");
    expect(docker("run", "--rm", "--network", "host", "--entrypoint", "litestream-0.5", image, "version")).toBe("v0.5.16");
    expect(docker("image", "inspect", "--format", "{{json .Config.Env}}", image)).not.toContain("LITESTREAM_BIN");
    // The entrypoint starts as root and drops to the owner of BORELA_DATA_DIR (setpriv).
    expect(docker("run", "--rm", "--network", "host", "--entrypoint", "stat", image, "-c", "%u:%g", "/data")).toBe("1000:1000");
    const health = JSON.parse(docker("image", "inspect", "--format", "{{json .Config.Healthcheck}}", image));
    expect(health.Test).toEqual(["CMD", "node", "/app/sidecar-image/healthcheck.mjs"]);
  });

  it("as a sidecar: replicates a database another process writes to, heartbeats, turns fresh and healthy", async () => {
    const sidecar = sidecarDatabase(tmp.path);
    const { replica, dbPath } = sidecar;
    writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 5, durationMs: 90_000 });
    const project = await core.createProject("sidecar", { staleAfterSeconds: 10, heartbeatGraceSeconds: 10 });
    const id = runSidecar(image, core, project.agentToken, sidecar);
    containers.push(id);
    const fresh = await waitFreshProject(core, project.id, id, "the sidecar's project to turn fresh");
    expect(fresh.databases[0]).toMatchObject({ path: dbPath, replicas: [expect.objectContaining({ url: `file://${replica}` })] });
    await waitFor(() => (docker("inspect", "--format", "{{.State.Health.Status}}", id) === "healthy" ? true : null), {
      timeoutMs: 30_000,
      what: "the container to be healthy",
    });

    await writer.stop();
    writer = null;
    await new Promise((r) => setTimeout(r, 3000));
    docker("stop", "-t", "20", id);
    const restored = path.join(tmp.path, "restored.sqlite3");
    expect(readdirSync(replica)).toEqual(["ltx"]);
    execFileSync(resolveLitestreamBinFor("0.5"), ["restore", "-o", restored, `file://${replica}`]);
    expect(countRows(restored, "orders")).toBe(countRows(dbPath, "orders"));
  }, 180_000);
});
