// borela restore <project> [--database NAME] [--timestamp ISO] -o PATH
// Restores what `litestream restore` of the replica restores (the same plan the
// drills follow, core/src/litestream/restore-plan.ts). Anything that stops it
// is one line on stderr naming the replica and the reason, exit 1 — never a stack trace.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { parseFlags, UsageError } from "./args.ts";
import { findProject, parseTimestamp, withStore } from "./local-store.ts";
import { readTarget, storedCredentials } from "../drills/replica-target.ts";
import { redactReplicaUrl } from "../litestream/replica-url.ts";
import { restore } from "../litestream/commands.ts";
import { listReplicaFiles } from "../litestream/replica-reader.ts";
import { planRestore } from "../litestream/restore-plan.ts";
import { formatBytes } from "../drills/disk.ts";

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    database: { type: "string" },
    timestamp: { type: "string" },
    output: { type: "string", short: "o" },
    "data-dir": { type: "string" },
  });
  if (!values.output) throw new UsageError("-o PATH is required: where to write the restored database");
  const output = path.resolve(values.output);
  if (existsSync(output)) throw new UsageError(`-o ${values.output} already exists; restore never overwrites a file`);
  const timestamp = parseTimestamp(values.timestamp);
  return withStore(async (store, config) => {
    const project = await findProject(store, positionals[0]);
    const databases = await store.database.findMany({ where: { projectId: project.id }, include: { replicas: { orderBy: { url: "asc" } } }, orderBy: { name: "asc" } });
    const database = values.database ? databases.find((d) => d.name === values.database) : databases.length === 1 ? databases[0] : undefined;
    if (!database) {
      throw new UsageError(
        values.database
          ? `no database named ${JSON.stringify(values.database)} in ${project.name} (known: ${databases.map((d) => d.name).join(", ") || "none"})`
          : `${project.name} has ${databases.length} databases; choose one with --database (${databases.map((d) => d.name).join(", ")})`,
      );
    }
    const replica = database.replicas[0];
    if (!replica) throw new UsageError(`${project.name}/${database.name} has no replica to restore from`);
    const what = `${project.name}/${database.name} from ${redactReplicaUrl(replica.url)}`;
    try {
      const target = await readTarget(replica.url, project.storagePrefix, config, await storedCredentials(store, config, project.id));
      const planned = planRestore(await listReplicaFiles(target, { timeoutMs: 60_000 }), { timestamp });
      if (!planned.ok) throw new Error(planned.reason);
      const { plan } = planned;
      process.stdout.write(`restoring ${what}${timestamp ? ` as of ${timestamp.toISOString()}` : ""} (generation ${plan.generation}, as of ${plan.restorePoint.toISOString()})\n`);
      const result = await restore({ replica: target }, {
        outputPath: output,
        generation: plan.generation,
        timestamp: plan.timestamp ?? undefined,
        timeoutMs: 6 * 3600_000,
        onProgress: (p) => process.stdout.write(`  ${p.stage}${p.index !== undefined ? ` index ${p.index}${p.indexMax !== undefined ? `/${p.indexMax}` : ""}` : ""} (${(p.elapsedMs / 1000).toFixed(1)}s)\n`),
      });
      process.stdout.write(`restored ${formatBytes(statSync(output).size)} to ${output} in ${(result.durationMs / 1000).toFixed(2)}s (generation ${result.generation ?? "?"})\n`);
    } catch (err) {
      process.stderr.write(`borela restore: cannot restore ${what}: ${(err as Error).message}\n`);
      return 1;
    }
    return 0;
  }, values["data-dir"]);
}
