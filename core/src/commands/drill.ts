// borela drill run <project> [--database NAME] [--timestamp ISO] [--wait]
// borela drill list <project> [--limit N]
// Through the core's API (BORELA_SERVER + BORELA_ADMIN_TOKEN, or --server/--token) from any machine;
// with --data-dir DIR on the core's host, through its store. Usage: commands/table.ts.
import { cliEnv } from "../config.ts";
import { parseFlags, UsageError } from "./args.ts";
import { findProject, parseTimestamp, withStore } from "./local-store.ts";
import { checkedSecretKey } from "../store/secret-key-check.ts";
import { ACCESS_OPTIONS, coreAccess, CoreApiError, createCoreApi, findProjectByApi, type CoreApi } from "./core-api.ts";
import { createDrillService, DrillRequestError, type DrillService } from "../drills/service.ts";
import { loadRedisParts } from "../drills/redis-parts.ts";
import { createLogger } from "../logger.ts";
import { drillView } from "../drills/view.ts";
import { formatBytes } from "../words/bytes.ts";
import { formatElapsed } from "../words/duration.ts";
import type { DrillReport } from "../drills/report.ts";
import type { Store } from "../store/db.ts";
import { printLine } from "../terminal-text.ts";

const FINAL = new Set(["passed", "failed", "error"]);
const FOLLOW_MS = 6 * 3600_000;

/** A drill as GET /api/v1/drills/:id answers it (dates as ISO strings). */
export interface DrillJson {
  id: string;
  database: string | null;
  status: string;
  queuedAt: string;
  progress: { step: string; message: string }[];
  report: DrillReport | null;
}

const asJson = (view: ReturnType<typeof drillView>): DrillJson => JSON.parse(JSON.stringify(view));

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === "run") return await runDrills(rest);
    if (sub === "list") return await listDrills(rest);
  } catch (err) {
    if (!(err instanceof CoreApiError)) throw err;
    printLine(process.stderr, `borela drill: ${err.message}`);
    return 1;
  }
  throw new UsageError(`unknown drill command ${JSON.stringify(sub ?? "")}: use \`borela drill run <project> [--wait]\` or \`borela drill list <project>\``);
}

async function runDrills(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { database: { type: "string" }, timestamp: { type: "string" }, wait: { type: "boolean" }, ...ACCESS_OPTIONS });
  const timestamp = parseTimestamp(values.timestamp);
  const wait = values.wait === true;
  if (values["data-dir"]) {
    return withStore(async (store, config) => {
      const project = await findProject(store, positionals[0]);
      // Logs go to stderr only for warnings: the steps below are the output.
      const checked = await checkedSecretKey(store, config);
      const drills = createDrillService({ store, config: checked, logger: createLogger("warn", process.stderr), redisParts: await loadRedisParts(checked) });
      try {
        return await enqueueLocally(store, drills, project, { database: values.database, timestamp, wait, redisUrl: config.redisUrl });
      } finally {
        await drills.stop();
      }
    }, values["data-dir"]);
  }
  const api = createCoreApi(coreAccess(values, cliEnv()));
  const project = await findProjectByApi(api, positionals[0]);
  let ids: string[];
  try {
    ({ ids } = await api.json<{ ids: string[] }>("POST", `/api/v1/projects/${project.id}/drills`, { database: values.database, timestamp: timestamp?.toISOString() }));
  } catch (err) {
    if (err instanceof CoreApiError && err.status === 400) throw new UsageError(err.message);
    throw err;
  }
  printLine(process.stdout, `queued ${ids.length} drill(s) for ${project.name}: ${ids.join(", ")}`);
  if (!wait) return 0;
  const statuses = await follow(ids, (id) => api.json<DrillJson>("GET", `/api/v1/drills/${id}`));
  return statuses.every((s) => s === "passed") ? 0 : 1;
}

async function enqueueLocally(
  store: Store,
  drills: DrillService,
  project: { id: string; name: string },
  options: { database?: string; timestamp?: Date; wait: boolean; redisUrl: string | null },
): Promise<number> {
  let ids: string[];
  try {
    ids = await drills.enqueue(project.id, { database: options.database, timestamp: options.timestamp, trigger: "cli" });
  } catch (err) {
    if (err instanceof DrillRequestError) throw new UsageError(err.message);
    throw err;
  }
  printLine(process.stdout, `queued ${ids.length} drill(s) for ${project.name}: ${ids.join(", ")}`);
  if (!options.wait) return 0;
  if (options.redisUrl && (await drills.workerCount()) === 0) {
    printLine(process.stderr, `no drill worker is connected to ${new URL(options.redisUrl).host}: waiting for \`borela serve\` or \`borela worker\` to take the drill`);
  }
  // Without Redis this process runs its own drills, unless a running core claims them first
  // (the claim is conditional, so never both); either way the store shows the progress.
  // Each finished tick wakes the follower, and the follower's end wakes the runner: no poll interval
  // is waited out once the drill is done.
  const bell = doorbell();
  let following = true;
  const runner = (async () => {
    for (let round = 0; following && round < 100_000; round++) {
      await drills.tick(ids);
      bell.ring();
      if (following) await bell.sleep(500);
    }
  })();
  const statuses = await follow(
    ids,
    async (id) => {
      const row = await store.drill.findUnique({ where: { id } });
      return row ? asJson(drillView(row)) : null;
    },
    bell.sleep,
  );
  following = false;
  bell.ring();
  await runner;
  return statuses.every((s) => s === "passed") ? 0 : 1;
}

/** Sleeps that end after their `ms` or at the next `ring()`, whichever comes first. */
function doorbell(): { sleep(ms: number): Promise<void>; ring(): void } {
  const sleepers = new Set<() => void>();
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        sleepers.add(wake);
      }),
    ring: () => {
      for (const wake of [...sleepers]) wake();
    },
  };
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Prints each drill's new steps until all are final (at most FOLLOW_MS), reading every 300 ms or when `sleep` ends sooner; the final statuses, "running" for any still going. */
async function follow(ids: string[], read: (id: string) => Promise<DrillJson | null>, sleep: (ms: number) => Promise<void> = pause): Promise<string[]> {
  const printed = new Map<string, number>();
  const deadline = Date.now() + FOLLOW_MS;
  const statuses = new Map<string, string>();
  while (statuses.size < ids.length && Date.now() < deadline) {
    for (const id of ids) {
      if (statuses.has(id)) continue;
      const view = await read(id);
      if (!view) continue;
      const seen = printed.get(id) ?? 0;
      for (const p of view.progress.slice(seen)) printLine(process.stdout, `[${view.database}] ${p.step}: ${p.message}`);
      printed.set(id, view.progress.length);
      if (FINAL.has(view.status)) {
        statuses.set(id, view.status);
        for (const line of outcomeLines(view)) printLine(process.stdout, line);
      }
    }
    if (statuses.size < ids.length) await sleep(300);
  }
  return ids.map((id) => statuses.get(id) ?? "running");
}

/** Pure: what `--wait` prints when a drill is final, one string per line, unescaped (printLine escapes). */
export function outcomeLines(view: DrillJson): string[] {
  const r = view.report;
  const lines = [`[${view.database}] ${view.status.toUpperCase()}${r?.error ? `: ${r.error}` : ""}`];
  if (!r) return lines;
  if (r.restoreSeconds !== null) lines.push(`  restore ${r.restoreSeconds.toFixed(2)}s, ${formatBytes(r.restoredBytes ?? 0)}; restore point ${r.restorePoint}; RPO ${r.rpoSeconds === null ? "not measured" : `${r.rpoSeconds}s`}`);
  for (const [table, n] of Object.entries(r.tables)) lines.push(`  ${table.padEnd(24)} ${n}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines;
}

async function listDrills(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { limit: { type: "string" }, ...ACCESS_OPTIONS });
  const limit = Number(values.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError(`--limit ${JSON.stringify(values.limit)} is not a whole number between 1 and 500`);
  let rows: DrillJson[];
  if (values["data-dir"]) {
    rows = await withStore(async (store) => {
      const project = await findProject(store, positionals[0]);
      const found = await store.drill.findMany({ where: { projectId: project.id }, orderBy: { queuedAt: "desc" }, take: limit });
      return found.map((d) => asJson(drillView(d)));
    }, values["data-dir"]);
  } else {
    const api = createCoreApi(coreAccess(values, cliEnv()));
    const project = await findProjectByApi(api, positionals[0]);
    rows = await api.json<DrillJson[]>("GET", `/api/v1/projects/${project.id}/drills?limit=${limit}`);
  }
  printLine(process.stdout, `${"id".padEnd(28)} ${"database".padEnd(12)} ${"status".padEnd(8)} ${"queued".padEnd(24)} restore  error`);
  for (const d of rows) {
    const r = d.report;
    printLine(
      process.stdout,
      `${d.id.padEnd(28)} ${(d.database ?? "?").padEnd(12)} ${d.status.padEnd(8)} ${d.queuedAt.padEnd(24)} ${(r?.restoreSeconds != null ? formatElapsed(r.restoreSeconds) : "-").padEnd(8)} ${r?.error ?? ""}`,
    );
  }
  return 0;
}
