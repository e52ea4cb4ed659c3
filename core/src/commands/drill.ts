// borela drill run <project> [--database NAME] [--timestamp ISO] [--wait]
// borela drill list <project>
import { parseFlags, UsageError } from "./args.ts";
import { findProject, parseTimestamp, withStore } from "./local-store.ts";
import { createDrillService, DrillRequestError, type DrillService } from "../drills/service.ts";
import { createLogger } from "../logger.ts";
import { drillView } from "../drills/view.ts";
import { formatBytes } from "../drills/disk.ts";
import type { Store } from "../store/db.ts";

const FINAL = new Set(["passed", "failed", "error"]);

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "run") return runDrills(rest);
  if (sub === "list") return listDrills(rest);
  throw new UsageError(`unknown drill command ${JSON.stringify(sub ?? "")}: use \`borela drill run <project> [--wait]\` or \`borela drill list <project>\``);
}

async function runDrills(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    database: { type: "string" },
    timestamp: { type: "string" },
    wait: { type: "boolean" },
    "data-dir": { type: "string" },
  });
  const timestamp = parseTimestamp(values.timestamp);
  return withStore(async (store, config) => {
    const project = await findProject(store, positionals[0]);
    // Logs go to stderr only for warnings: the steps below are the output.
    const drills = createDrillService({ store, config, logger: createLogger("warn", process.stderr) });
    try {
      return await enqueueAndFollow(store, drills, project, { database: values.database, timestamp, wait: values.wait === true, redisUrl: config.redisUrl });
    } finally {
      await drills.stop();
    }
  }, values["data-dir"]);
}

async function enqueueAndFollow(
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
  process.stdout.write(`queued ${ids.length} drill(s) for ${project.name}: ${ids.join(", ")}\n`);
  if (!options.wait) return 0;
  if (options.redisUrl && (await drills.workerCount()) === 0) {
    process.stderr.write(`no drill worker is connected to ${new URL(options.redisUrl).host}: waiting for \`borela serve\` or \`borela worker\` to take the drill\n`);
  }
  // Without Redis this process runs its own drills, unless a running core claims them first
  // (the claim is conditional, so never both); either way the store shows the progress.
  let following = true;
  const runner = (async () => {
    for (let round = 0; following && round < 100_000; round++) {
      await drills.tick(ids);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const statuses = await follow(store, ids);
  following = false;
  await runner;
  return statuses.every((s) => s === "passed") ? 0 : 1;
}

async function follow(store: Store, ids: string[]): Promise<string[]> {
  const printed = new Map<string, number>();
  const deadline = Date.now() + 6 * 3600_000;
  const statuses = new Map<string, string>();
  while (statuses.size < ids.length && Date.now() < deadline) {
    for (const id of ids) {
      if (statuses.has(id)) continue;
      const row = await store.drill.findUnique({ where: { id } });
      if (!row) continue;
      const view = drillView(row);
      const seen = printed.get(id) ?? 0;
      for (const p of view.progress.slice(seen)) process.stdout.write(`[${view.database}] ${p.step}: ${p.message}\n`);
      printed.set(id, view.progress.length);
      if (FINAL.has(view.status)) {
        statuses.set(id, view.status);
        const r = view.report;
        process.stdout.write(`[${view.database}] ${view.status.toUpperCase()}${r?.error ? `: ${r.error}` : ""}\n`);
        if (r) {
          if (r.restoreSeconds !== null) process.stdout.write(`  restore ${r.restoreSeconds.toFixed(2)}s, ${formatBytes(r.restoredBytes ?? 0)}; restore point ${r.restorePoint}; RPO ${r.rpoSeconds === null ? "not measured" : `${r.rpoSeconds}s`}\n`);
          for (const [table, n] of Object.entries(r.tables)) process.stdout.write(`  ${table.padEnd(24)} ${n}\n`);
          for (const w of r.warnings) process.stdout.write(`  warning: ${w}\n`);
        }
      }
    }
    if (statuses.size < ids.length) await new Promise((r) => setTimeout(r, 300));
  }
  return ids.map((id) => statuses.get(id) ?? "running");
}

async function listDrills(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { "data-dir": { type: "string" }, limit: { type: "string" } });
  return withStore(async (store) => {
    const project = await findProject(store, positionals[0]);
    const limit = Number(values.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${JSON.stringify(values.limit)} is not a positive whole number`);
    const rows = await store.drill.findMany({ where: { projectId: project.id }, orderBy: { queuedAt: "desc" }, take: limit });
    process.stdout.write(`${"id".padEnd(28)} ${"database".padEnd(12)} ${"status".padEnd(8)} ${"queued".padEnd(24)} restore  error\n`);
    for (const d of rows.map(drillView)) {
      const r = d.report;
      process.stdout.write(
        `${d.id.padEnd(28)} ${(d.database ?? "?").padEnd(12)} ${d.status.padEnd(8)} ${d.queuedAt.toISOString().padEnd(24)} ${r?.restoreSeconds != null ? `${r.restoreSeconds.toFixed(1)}s`.padEnd(8) : "-".padEnd(8)} ${r?.error ?? ""}\n`,
      );
    }
    return 0;
  }, values["data-dir"]);
}
