// borela discover [--dry-run] [--once] [--server URL] [--image IMAGE]
// Watches the local Docker engine for containers labelled dev.borela.enable=true
// and keeps one sidecar per app: same mounts at the same paths, host
// networking, restart unless-stopped. Full resync at start, on container
// events and every few minutes, so a crash half-way is repaired by the next.
// A sidecar whose app stopped gets SIGTERM and STOP_GRACE_SECONDS for
// Litestream's final sync before SIGKILL, then is removed.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { parseFlags } from "./args.ts";
import { cliEnv, loadConfig } from "../config.ts";
import { LabelError, parseLabels, PREFIX } from "../../../integrations/docker/labels.ts";
import { describe, plan, STOP_GRACE_SECONDS, type Action, type App, type Mount, type Sidecar } from "../../../integrations/docker/plan.ts";
import { printLine } from "../terminal-text.ts";

const RESYNC_MS = 180_000;

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { "dry-run": { type: "boolean" }, once: { type: "boolean" }, server: { type: "string" }, image: { type: "string" } }, false);
  const config = loadConfig();
  const server = (values.server || cliEnv().server || `http://127.0.0.1:${config.port}`).replace(/\/$/, "");
  const image = values.image ?? "borela/borela:latest";
  const docker = new Docker();
  const tokens = tokenStore(path.join(config.dataDir, "discover-tokens.json"));
  const resync = () => sync(docker, { server, image, adminToken: config.adminToken, dryRun: values["dry-run"] ?? false, tokens });

  await resync();
  if (values.once || values["dry-run"]) return 0;
  const timer = setInterval(() => void resync().catch(report), RESYNC_MS);
  const events = await docker.getEvents({ filters: JSON.stringify({ type: ["container"], event: ["start", "die", "stop", "destroy"] }) });
  // One resync at a time; events during one ask for another right after.
  let pending: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  const kick = () => {
    if (running) return void (again = true);
    running = resync()
      .catch(report)
      .finally(() => {
        running = null;
        if (again) (again = false), kick();
      });
  };
  events.on("data", () => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(kick, 200);
  });
  process.stderr.write(`borela discover: watching the engine (resync every ${RESYNC_MS / 60000} min)\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  clearInterval(timer);
  if (pending) clearTimeout(pending);
  (events as unknown as { destroy(): void }).destroy();
  await running;
  return 0;
}

function report(err: unknown) {
  printLine(process.stderr, `borela discover: ${(err as Error).message}`);
}

function tokenStore(file: string) {
  const read = (): Record<string, string> => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {});
  return {
    get: (project: string) => read()[project] ?? null,
    set(project: string, token: string) {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, JSON.stringify({ ...read(), [project]: token }), { mode: 0o600 });
      chmodSync(file, 0o600);
    },
  };
}

async function sync(
  docker: Docker,
  opts: { server: string; image: string; adminToken: string | null; dryRun: boolean; tokens: ReturnType<typeof tokenStore> },
): Promise<void> {
  const containers = await docker.listContainers({ all: false });
  const apps: App[] = [];
  for (const c of containers) {
    const name = (c.Names[0] ?? c.Id).replace(/^\//, "");
    if (c.Labels[`${PREFIX}sidecar-for`]) continue;
    try {
      const labels = parseLabels(name, c.Labels);
      if (!labels) continue;
      apps.push({ id: c.Id, name, labels, mounts: c.Mounts.map(mountOf) });
    } catch (err) {
      if (err instanceof LabelError) report(err);
      else throw err;
    }
  }
  const all = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${PREFIX}sidecar-for`] }) });
  const sidecars: Sidecar[] = all.map((c) => ({
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ""),
    appId: c.Labels[`${PREFIX}sidecar-for`],
    configHash: c.Labels[`${PREFIX}config-hash`] ?? "",
  }));
  const actions = plan(apps, sidecars, opts.image, opts.server);
  for (const action of actions) {
    printLine(process.stdout, `${opts.dryRun ? "would " : ""}${describe(action)}`);
    if (opts.dryRun) continue;
    const started = Date.now();
    try {
      const done = await apply(docker, action, opts);
      printLine(process.stdout, `  done in ${((Date.now() - started) / 1000).toFixed(1)} s${done ? `: ${done}` : ""}`);
    } catch (err) {
      printLine(process.stdout, `  failed: ${(err as Error).message}`);
    }
  }
  if (actions.length === 0 && opts.dryRun) process.stdout.write("nothing to change\n");
}

/** Host path for local volumes (by mount point: the sidecar never holds the volume itself), else the volume name or bind source. */
function mountOf(m: { Type: string; Name?: string; Source: string; Destination: string; Driver?: string; RW: boolean }): Mount {
  // The list API leaves Source empty for some volumes (an image's anonymous VOLUME): those go by name.
  const byPath = m.Type !== "volume" || ((!m.Driver || m.Driver === "local") && m.Source);
  const source = byPath ? m.Source : (m.Name ?? m.Source);
  return { source, destination: m.Destination, readOnly: !m.RW };
}

/** SIGTERM, up to STOP_GRACE_SECONDS for Litestream's final sync, then SIGKILL (Docker's stop), then remove. */
async function stopSidecar(docker: Docker, id: string): Promise<string> {
  const container = docker.getContainer(id);
  await container.stop({ t: STOP_GRACE_SECONDS }).catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 304 && err.statusCode !== 404) throw err; // 304: already stopped
  });
  const state = await container.inspect().then((i) => i.State, () => null);
  await container.remove().catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 404) throw err;
  });
  return state ? `exit code ${state.ExitCode}${state.OOMKilled ? " (out of memory)" : ""}` : "already gone";
}

async function apply(docker: Docker, action: Action, opts: { server: string; image: string; adminToken: string | null; tokens: ReturnType<typeof tokenStore> }): Promise<string> {
  let stopped = "";
  if (action.kind === "remove" || action.kind === "replace") {
    stopped = `stopped ${action.sidecar.name} (${await stopSidecar(docker, action.sidecar.id)}) and removed it`;
    if (action.kind === "remove") return stopped;
  }
  const { app, spec } = action;
  const server = app.labels.server ?? opts.server;
  const token = await projectToken(server, app.labels.project, opts);
  // A leftover of a crash half-way (same name, no matching label) is replaced.
  await stopSidecar(docker, action.name).catch(() => undefined);
  const container = await docker.createContainer({
    name: action.name,
    Image: spec.image,
    Cmd: ["agent"],
    ...(spec.user ? { User: spec.user } : {}),
    StopTimeout: STOP_GRACE_SECONDS,
    Env: [
      `BORELA_SERVER=${server}`,
      `BORELA_AGENT_TOKEN=${token}`,
      `BORELA_DATABASES=${app.labels.databases.join(",")}`,
      ...(app.labels.replica ? [`BORELA_REPLICA_URL=${app.labels.replica}`] : []),
    ],
    Labels: { [`${PREFIX}sidecar-for`]: app.id, [`${PREFIX}config-hash`]: action.configHash, [`${PREFIX}app-name`]: app.name },
    HostConfig: { NetworkMode: "host", Binds: spec.binds, RestartPolicy: { Name: "unless-stopped" } },
  });
  await container.start();
  return `${stopped ? `${stopped}; ` : ""}started ${action.name} (${container.id.slice(0, 12)})`;
}

/** The agent token of the project, creating the project on first sight (the token is kept 0600 under the data dir). */
async function projectToken(server: string, project: string, opts: { adminToken: string | null; tokens: ReturnType<typeof tokenStore> }): Promise<string> {
  const known = opts.tokens.get(project);
  if (known) return known;
  if (!opts.adminToken) throw new Error(`cannot create project ${project}: set BORELA_ADMIN_TOKEN for borela discover`);
  const headers = { authorization: `Bearer ${opts.adminToken}`, "content-type": "application/json" };
  const list = (await (await fetch(`${server}/api/v1/projects`, { headers })).json()) as { id: string; name: string }[];
  const existing = list.find((p) => p.name === project);
  const res = existing
    ? await fetch(`${server}/api/v1/projects/${existing.id}/tokens`, { method: "POST", headers, body: JSON.stringify({ overlapSeconds: 3600 }) })
    : await fetch(`${server}/api/v1/projects`, { method: "POST", headers, body: JSON.stringify({ name: project }) });
  if (!res.ok) throw new Error(`cannot get a token for project ${project} from ${server}: HTTP ${res.status} ${await res.text()}`);
  const token = ((await res.json()) as { agentToken: string }).agentToken;
  opts.tokens.set(project, token);
  return token;
}
