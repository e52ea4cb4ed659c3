// Issue 15, proof on the real engine: from a fresh clone `npm run image` builds borela/borela:latest;
// the core runs in Docker from `borela init core-compose`; the compose snippet as printed, beside a
// root app and beside a uid-1000 app, turns fresh and the drill passes (its counts equal a plain
// `litestream restore` of the same replica); the file replica survives `docker-compose down && up`
// (and `down -v`); a sidecar that cannot write or whose replica is not on a mount is in error and
// unhealthy, saying why; the labels path the same through `borela discover`, which stops the sidecar
// with SIGTERM when the app stops (the last write reaches the replica) and never blocks the app's
// `down -v`. One image build for the whole file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { countRows } from "../../core/test/litestream/live.ts";
import { freePort } from "../../core/test/support/ports.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { sleep, waitFor } from "../../core/test/support/wait-for.ts";
import {
  api,
  borela,
  ComposeProject,
  drill,
  health,
  imageFromFreshClone,
  plainRestore,
  processUid,
  REPLICA_VOLUME,
  sh,
  startDiscover,
  volumeMountpoint,
  waitFresh,
  writerApp,
  type Api,
} from "./harness.ts";

const run = `e2e${process.pid}`;
let tmp: TmpDir;
let image = "";
let coreUrl = "";
let call: Api;
const adminToken = `bradm_e2e_${randomBytes(12).toString("hex")}`;
const projects: ComposeProject[] = [];
const containers: string[] = [];
let discover: ReturnType<typeof startDiscover> | null = null;
const timings: Record<string, number> = {};

function composeProject(name: string, env: NodeJS.ProcessEnv = {}): ComposeProject {
  const p = new ComposeProject(`${run}-${name}`, tmp.path, { ...process.env, ...env });
  projects.push(p);
  return p;
}

beforeAll(async () => {
  tmp = await tmpDir("borela-e2e-sidecar-");
  const built = imageFromFreshClone(path.join(tmp.path, "clone"));
  timings.imageBuildSeconds = built.seconds;
  timings.imageSizeMb = built.sizeMb;
  image = `borela/borela:${run}`;
  sh("docker", ["tag", built.id, image]);
  // README: create the replica volume once (it outlives every compose project, `down -v` included).
  sh("docker", ["volume", "create", REPLICA_VOLUME]);

  // The core in Docker, from `borela init core-compose` as printed.
  const port = await freePort();
  coreUrl = `http://127.0.0.1:${port}`;
  const core = composeProject("core", { BORELA_ADMIN_TOKEN: adminToken });
  core.write(parse(await borela(["init", "core-compose", "--server", coreUrl, "--replica", `file:///replicas/${run}`, "--image", image])));
  core.ok("up", "-d");
  call = api(coreUrl, adminToken);
  await waitFor(() => fetch(`${coreUrl}/healthz`).then((r) => r.ok), { timeoutMs: 60_000, intervalMs: 500, what: "the core container's /healthz" }).catch((err) => {
    throw new Error(`${err.message}\n${core.run("logs", "--tail", "30").stdout}`);
  });
}, 900_000);

afterAll(async () => {
  await discover?.stop();
  for (const id of containers) spawnRm(id);
  for (const p of projects.reverse()) p.run("down", "-v", "-t", "5");
  for (const id of sh("docker", ["ps", "-aq", "--filter", `label=dev.borela.app-name`]).split("\n").filter(Boolean)) {
    if (sh("docker", ["inspect", "--format", '{{index .Config.Labels "dev.borela.app-name"}}', id]).startsWith(run)) spawnRm(id);
  }
  if (image) {
    rmSync(path.join(volumeMountpoint(REPLICA_VOLUME), run), { recursive: true, force: true });
    spawnRm(image, "rmi");
  }
  await tmp?.remove();
  process.stderr.write(`e2e/sidecar timings: ${JSON.stringify(timings)}\n`);
});

function spawnRm(id: string, cmd = "rm"): void {
  try {
    sh("docker", cmd === "rm" ? ["rm", "-f", id] : ["rmi", id]);
  } catch {
    // already gone
  }
}

/** A compose app (the Borela image running a SQLite writer as `user`) with the sidecar `borela init compose` prints beside it. */
async function composeApp(name: string, user: string, up: string[] = []) {
  const created = await call("POST", "/api/v1/projects", { name: `${run}-${name}` });
  const replica = `/replicas/${run}/${name}`;
  const printed = parse(
    await borela(["init", "compose", "--service", "app", "--database", "/data/app.sqlite3", "--server", coreUrl, "--replica", `file://${replica}`, "--host-network", "--image", image]),
  );
  const doc = {
    services: {
      app: { image, user, entrypoint: writerApp("/data/app.sqlite3", 200), volumes: ["app_data:/data"], network_mode: "host", healthcheck: { disable: true } },
      ...printed.services,
    },
    volumes: { app_data: {}, ...printed.volumes },
  };
  const project = composeProject(name, { BORELA_AGENT_TOKEN: created.agentToken });
  project.write(doc);
  project.ok("up", "-d", ...up);
  return { id: created.id as string, project, replica, printed };
}

/** Stops the app, lets the sidecar sync, drills, and compares with a plain restore of the same replica. */
async function drillMatchesPlainRestore(app: { id: string; project: ComposeProject; replica: string }, label: string) {
  app.project.ok("stop", "-t", "5", "app");
  await sleep(3000);
  const passed = await drill(call, app.id);
  expect(passed.status, JSON.stringify(passed.report)).toBe("passed");
  const out = path.join(tmp.path, `${label}-plain.sqlite3`);
  rmSync(out, { force: true });
  plainRestore(app.replica, out);
  expect(passed.report.tables).toEqual({ events: countRows(out, "events") });
  expect(passed.report.tables.events).toBeGreaterThan(0);
  return passed;
}

describe("the sidecar as pasted (issue 15)", () => {
  it("npm run image from a fresh clone builds the image; the core runs from init core-compose, writing nothing under /app", () => {
    expect(timings.imageSizeMb).toBeLessThan(634);
    const coreContainer = projects[0].container("borela");
    // The core runs as the owner of its data volume (uid 1000), and its image generated the Prisma client at build time.
    expect(processUid(coreContainer)).toBe(1000);
    expect(sh("docker", ["diff", coreContainer]).split("\n").filter((l) => /\s\/app(\/|$)/.test(l))).toEqual([]);
    expect(sh("docker", ["run", "--rm", "--network", "none", "--entrypoint", "litestream", image, "version"])).toBe("v0.3.13");
  });

  it("compose beside a root app and beside a uid-1000 app: the agent runs as the database's owner, fresh, drills pass; the replica survives down && up", async () => {
    const started = Date.now();
    const rootApp = await composeApp("rootapp", "0:0");
    const userApp = await composeApp("userapp", "1000:1000");
    expect(rootApp.printed.services.borela.user).toBeUndefined();
    expect(rootApp.printed.services.borela.volumes).toEqual(["app_data:/data", `${REPLICA_VOLUME}:/replicas`]);
    await Promise.all([
      waitFresh(call, rootApp.id, "the root app's project to turn fresh"),
      waitFresh(call, userApp.id, "the uid-1000 app's project to turn fresh"),
    ]).catch((err) => {
      throw new Error(`${err.message}\n${rootApp.project.run("logs", "--tail", "20", "borela").stdout}\n${userApp.project.run("logs", "--tail", "20", "borela").stdout}`);
    });
    expect(processUid(rootApp.project.container("borela"))).toBe(0);
    expect(processUid(userApp.project.container("borela"))).toBe(1000);
    await waitFor(() => (health(userApp.project.container("borela")) === "healthy" ? true : null), { timeoutMs: 120_000, intervalMs: 2000, what: "the sidecar to be healthy" });

    await drillMatchesPlainRestore(userApp, "userapp");
    const before = await drillMatchesPlainRestore(rootApp, "rootapp");

    // down && up: the backup outlives the containers; the agent carries on in the same replica.
    rootApp.project.ok("down", "-t", "5");
    const kept = path.join(tmp.path, "rootapp-after-down.sqlite3");
    plainRestore(rootApp.replica, kept);
    expect(countRows(kept, "events")).toBe(before.report.tables.events);
    rootApp.project.ok("up", "-d");
    await sleep(5000);
    await waitFresh(call, rootApp.id, "the root app's project to turn fresh again after down && up");
    const after = await drillMatchesPlainRestore(rootApp, "rootapp-again");
    expect(after.report.tables.events).toBeGreaterThan(before.report.tables.events);
    // Even `down -v` keeps the replica volume (external): the backups stay restorable.
    rootApp.project.ok("down", "-v", "-t", "5");
    const survived = path.join(tmp.path, "rootapp-after-down-v.sqlite3");
    plainRestore(rootApp.replica, survived);
    expect(countRows(survived, "events")).toBe(after.report.tables.events);
    timings.composeSeconds = Math.round((Date.now() - started) / 1000);
  }, 600_000);

  it("a sidecar that cannot write the database, with a replica inside the container, is in error and unhealthy, saying why", async () => {
    const started = Date.now();
    // The root app alone (its printed sidecar not started), and a sidecar forced to uid 1000 beside it.
    const app = await composeApp("wronguser", "0:0", ["app"]);
    const volume = `${app.project.name}_app_data`;
    await waitFor(() => (sh("docker", ["run", "--rm", "--network", "none", "--entrypoint", "test", "-v", `${volume}:/data`, image, "-s", "/data/app.sqlite3"]) === "" ? true : null), {
      timeoutMs: 30_000,
      intervalMs: 1000,
      what: "the root app's database",
    });
    const created = await call("POST", "/api/v1/projects", { name: `${run}-broken` });
    const id = sh("docker", [
      "run", "-d", "--network", "host", "--user", "1000:1000", "--health-interval", "2s", "--health-start-period", "1s",
      "-e", `BORELA_SERVER=${coreUrl}`, "-e", `BORELA_AGENT_TOKEN=${created.agentToken}`, "-e", "BORELA_DATABASES=/data/app.sqlite3",
      "-e", "BORELA_REPLICA_URL=file:///tmp/replica", "-e", "BORELA_HEARTBEAT_INTERVAL_SECONDS=2",
      "-v", `${volume}:/data`, image, "agent",
    ]);
    containers.push(id);
    const errors = await waitFor(
      async () => {
        const p = await call("GET", `/api/v1/projects/${created.id}`);
        const errs: string[] = p.databases?.[0]?.errors ?? [];
        return p.status === "error" && errs.some((e) => e.includes("cannot write")) && errs.some((e) => e.includes("own filesystem")) ? errs : null;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: "the broken sidecar's project in error" },
    );
    expect(errors).toContain(
      'the agent runs as uid 1000 (gid 1000) and cannot write /data/app.sqlite3, owned by 0:0; add  user: "0:0"  to the borela service (docker run: --user 0:0; labels: dev.borela.user=0:0; borela init: --user 0:0)',
    );
    expect(errors).toContain(
      "file replica /tmp/replica is inside the container's own filesystem: it disappears with the container; mount a volume there (the snippet `borela init` prints does: e.g. borela-replicas:/tmp)",
    );
    await waitFor(() => (health(id) === "unhealthy" ? true : null), { timeoutMs: 60_000, intervalMs: 1000, what: "the broken sidecar to be unhealthy" });
    const log = JSON.parse(sh("docker", ["inspect", "--format", "{{json .State.Health.Log}}", id])) as Array<{ Output: string }>;
    expect(log.at(-1)?.Output).toMatch(/^not ok: app: /);
    timings.errorSeconds = Math.round((Date.now() - started) / 1000);
  }, 240_000);

  it("labels: discover starts the sidecar (fresh, drill passes), stops it with SIGTERM when the app stops (last write in the replica), never blocks down -v", async () => {
    const started = Date.now();
    const replica = `/replicas/${run}/labels`;
    const name = `${run}-labels`;
    const printed = parse(await borela(["init", "labels", "--database", "/data/app.sqlite3", "--project", name, "--replica", `file://${replica}`, "--server", coreUrl]));
    expect(printed.labels["dev.borela.replica"]).toBe(`file://${replica}`);
    const app = composeProject("labels");
    app.write({
      services: {
        app: { image, user: "0:0", entrypoint: writerApp("/data/app.sqlite3", 100), volumes: ["app_data:/data"], network_mode: "host", healthcheck: { disable: true }, labels: printed.labels },
      },
      volumes: { app_data: {} },
    });
    app.ok("up", "-d");
    const env = { ...process.env, BORELA_ADMIN_TOKEN: adminToken, BORELA_DATA_DIR: path.join(tmp.path, "discover") };
    mkdirSync(env.BORELA_DATA_DIR, { recursive: true });
    // docker-compose 1.x names the container <project>_app_1.
    const appName = sh("docker", ["inspect", "--format", "{{.Name}}", app.container("app")]).replace(/^\//, "");
    const sidecarName = `borela-sidecar-${appName}`;
    const dry = await borela(["discover", "--dry-run", "--server", coreUrl, "--image", image], env);
    expect(dry).toMatch(new RegExp(`would create ${sidecarName} .*image ${image}, mounts /var/lib/docker/volumes/${name}_app_data/_data:/data ${REPLICA_VOLUME}:/replicas, user the database's owner; replica file://${replica}\\)`));
    expect(await borela(["discover", "--help"], env)).toMatch(/borela discover/);

    discover = startDiscover(["--server", coreUrl, "--image", image], env);
    const project = await waitFor(
      async () => ((await call("GET", "/api/v1/projects")) as any[]).find((p) => p.name === name && p.status === "fresh" && p.storageBytes > 0),
      { timeoutMs: 150_000, intervalMs: 1000, what: "the labelled app's project to turn fresh" },
    ).catch((err) => {
      throw new Error(`${err.message}\n${discover!.output()}`);
    });
    expect(discover.output()).toMatch(new RegExp(`create ${sidecarName} .*\\n  done in [\\d.]+ s: started ${sidecarName}`));
    const sidecar = sh("docker", ["inspect", "--format", "{{.Id}}", sidecarName]);
    expect(processUid(sidecar)).toBe(0);
    expect(sh("docker", ["inspect", "--format", "{{.HostConfig.NetworkMode}}", sidecar])).toBe("host");
    // README's drill from the host, through the core's API.
    const cli = await borela(["drill", "run", name, "--wait"], { ...process.env, BORELA_SERVER: coreUrl, BORELA_ADMIN_TOKEN: adminToken });
    expect(cli).toMatch(/\[app\] PASSED/);
    expect(((await call("GET", `/api/v1/projects/${project.id}/drills`)) as any[])[0].status).toBe("passed");

    // The app stops: discover stops the sidecar with SIGTERM, and Litestream's final sync carries the last write.
    const since = Math.floor(Date.now() / 1000) - 1;
    app.ok("stop", "-t", "5", "app");
    await waitFor(() => (sh("docker", ["ps", "-aq", "--filter", `name=^${sidecarName}$`]) === "" ? true : null), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: "discover to stop and remove the sidecar",
    });
    const kills = sh("docker", ["events", "--since", String(since), "--until", String(Math.floor(Date.now() / 1000) + 1), "--filter", `container=${sidecar}`, "--filter", "event=kill", "--format", "{{.Actor.Attributes.signal}}"]);
    expect(kills.split("\n").filter(Boolean)).toEqual(["15"]);
    expect(discover.output()).toMatch(new RegExp(`stop \\(SIGTERM, SIGKILL after 30 s\\) and remove ${sidecarName}: its app container stopped or is gone\\n  done in [\\d.]+ s: stopped ${sidecarName} \\(exit code 0\\) and removed it`));
    const live = path.join(volumeMountpoint(`${name}_app_data`), "app.sqlite3");
    const restored = path.join(tmp.path, "labels-plain.sqlite3");
    plainRestore(replica, restored);
    expect(countRows(restored, "events")).toBe(countRows(live, "events"));

    // The app comes back (a new sidecar), then `down -v`: the volume is removed though the sidecar was running.
    app.ok("start", "app");
    await waitFor(() => (sh("docker", ["ps", "-q", "--filter", `name=^${sidecarName}$`]) !== "" ? true : null), { timeoutMs: 30_000, intervalMs: 500, what: "a new sidecar" });
    const down = app.run("down", "-v", "-t", "5");
    expect(down.stderr).not.toMatch(/in use/);
    expect(down.status, down.stderr).toBe(0);
    expect(sh("docker", ["volume", "ls", "-q", "--filter", `name=^${name}_app_data$`])).toBe("");
    await waitFor(() => (sh("docker", ["ps", "-aq", "--filter", `name=^${sidecarName}$`]) === "" ? true : null), { timeoutMs: 60_000, intervalMs: 500, what: "the sidecar to go with its app" });
    timings.labelsSeconds = Math.round((Date.now() - started) / 1000);
  }, 600_000);
});
