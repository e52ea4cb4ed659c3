// Drills isolated in a container (BORELA_DRILL_ISOLATION=docker) on the real
// engine the suite starts (no bridge; no Docker network is created, no image
// pulled): the Borela image built by the suite's helper runs the same
// isolated entry point. A drill passes with the same counts as process mode
// and as a plain `litestream restore`; the container had no network, a
// read-only replica and root filesystem, uid 1000, no capabilities, and is
// removed afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { buildBorelaImage, docker } from "../support/docker.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { restore05 } from "../litestream/live-v5.ts";
import { addRows, replicate, replicate05, reportDatabase, runDrillWith, seededDatabase, tableCounts } from "./fixtures.ts";
import { containerSpec } from "../../src/drills/isolation/docker-runner.ts";
import { defaultLimits } from "../../src/drills/isolation/sandbox.ts";

const LITESTREAM = path.resolve("node_modules/@flydotio/litestream-linux-x64/litestream");

describe("container settings", () => {
  const job = { generation: "g", timestamp: null, checkPolicy: "auto" as const, assertions: [], restoreTimeoutMs: 1000, checkTimeoutMs: 1000, litestreamBin: null, litestreamLine: "0.3" as const, txid: null };
  const limits = { memoryBytes: 2 * 1024 ** 3, heapMb: 256, wallClockMs: 1000, cpus: 1.5 };

  it("file replica: no network, the replica read-only, non-root, no capabilities, limits", () => {
    const spec = containerSpec({ ...job, replica: { type: "file", path: "/backups/app" } }, { scratch: "/data/drills/d1", limits, image: "borela/borela:latest" });
    expect(spec).toMatchObject({ Image: "borela/borela:latest", User: "1000:1000", WorkingDir: "/work" });
    expect(spec.Env).toEqual(["TMPDIR=/work", "HOME=/work"]);
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: "none",
      Binds: ["/data/drills/d1:/work", "/backups/app:/replica:ro"],
      Memory: 2 * 1024 ** 3,
      MemorySwap: 2 * 1024 ** 3,
      NanoCpus: 1.5e9,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
    });
  });

  it("S3 replica: the host's network (the engine has no other), no bind but the temp dir", () => {
    const replica = { type: "s3" as const, bucket: "b", path: "p", endpoint: "http://127.0.0.1:9000", region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "k", secretAccessKey: "s" } };
    const spec = containerSpec({ ...job, replica }, { scratch: "/data/drills/d1", limits, image: "borela/borela:latest" });
    expect(spec.HostConfig).toMatchObject({ NetworkMode: "host", Binds: ["/data/drills/d1:/work"] });
    // Credentials travel on stdin, never in what `docker inspect` shows.
    expect(JSON.stringify(spec)).not.toContain("secretAccessKey");
  });
});

let image: string;
let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  image = buildBorelaImage();
  tmp = await tmpDir("borela-isolation-docker-");
  core = await startTestCore({ BORELA_FILE_REPLICA_ROOTS: tmp.path, BORELA_DRILL_ISOLATION: "docker" });
}, 900_000);
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

function drillContainers(): string[] {
  return docker("ps", "-aq", "--filter", "label=borela.drill=isolated").split("\n").filter(Boolean);
}

describe("drills in a container of the Borela image", () => {
  it("passes with the counts of process mode and of a plain litestream restore, then removes the container", async () => {
    expect(core.config.drillIsolation).toBe("docker");
    const dir = path.join(tmp.path, "docker");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 6, 25), (f) => addRows(f, 2, 5)]);
    const project = await core.createProject("docker");
    await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
    await core.api("PATCH", `/api/v1/projects/${project.id}`, { body: { assertions: [{ name: "has orders", sql: "SELECT count(*) FROM orders", op: ">=", value: 1 }] } });

    // Watch the container while it runs: what it was given is what the engine reports.
    const engine = new Docker();
    const seen: Docker.ContainerInspectInfo[] = [];
    const watch = setInterval(async () => {
      for (const id of drillContainers()) seen.push(await engine.getContainer(id).inspect().catch(() => null as any));
    }, 100);
    const inDocker = await runDrillWith(core, project.id, { isolation: { image } });
    clearInterval(watch);
    expect(inDocker.report.error ?? null).toBeNull();
    expect(inDocker.status).toBe("passed");
    expect(inDocker.progress.map((p: any) => p.message)).toContainEqual(expect.stringMatching(/in an isolated container$/));

    const inProcess = await runDrillWith(core, project.id, { isolation: { mode: "process" } });
    expect(inProcess.status).toBe("passed");
    const plain = path.join(dir, "plain.sqlite3");
    execFileSync(LITESTREAM, ["restore", "-o", plain, `file://${replicaDir}`]);
    expect(inDocker.report.tables).toEqual(tableCounts(plain));
    expect(inDocker.report.tables).toEqual(inProcess.report.tables);
    expect(inDocker.report.assertions).toMatchObject([{ name: "has orders", passed: true, actual: tableCounts(plain).orders }]);

    const info = seen.find(Boolean);
    expect(info, "the drill's container was seen while it ran").toBeTruthy();
    expect(info!.Config.Image).toBe(image);
    expect(info!.Config.User).toBe("1000:1000");
    expect(info!.HostConfig).toMatchObject({ NetworkMode: "none", ReadonlyRootfs: true, CapDrop: ["ALL"], Memory: defaultLimits({ restoreTimeoutMs: 0, checkTimeoutMs: 0, assertions: [] } as any).memoryBytes });
    expect(info!.HostConfig.Binds).toContain(`${replicaDir}:/replica:ro`);
    expect(JSON.stringify(info!.Config.Env)).not.toMatch(/BORELA_S3|SECRET|AWS_/);
    expect(drillContainers()).toEqual([]);
    expect(readdirSync(core.config.drillDir)).toEqual([]);
  }, 240_000);

  it("a Litestream 0.5 replica (LTX files) is restored in the container by the image's litestream-0.5, with a plain 0.5 restore's counts", async () => {
    const dir = path.join(tmp.path, "docker-v5");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    await replicate05(dir, file, { type: "file", path: replicaDir }, 1);
    const project = await core.createProject("docker-v5");
    await reportDatabase(core, project.agentToken, file, `file://${replicaDir}`);
    const inDocker = await runDrillWith(core, project.id, { isolation: { image } });
    expect(inDocker.report.error ?? null).toBeNull();
    expect(inDocker.status).toBe("passed");
    expect(inDocker.report.layout).toBe("ltx");
    expect(inDocker.report.litestreamVersion).toMatch(/^v0\.5\./);
    expect(inDocker.progress.map((p: any) => p.message)).toContainEqual(expect.stringMatching(/in an isolated container$/));
    const plain = path.join(dir, "plain.sqlite3");
    expect(await restore05(path.join(dir, "plain"), { type: "file", path: replicaDir }, plain)).toBeNull();
    expect(inDocker.report.tables).toEqual(tableCounts(plain));
    expect(inDocker.report.tables).toEqual(tableCounts(file));
    expect(drillContainers()).toEqual([]);
  }, 240_000);
});
