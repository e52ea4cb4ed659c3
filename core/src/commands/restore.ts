// borela restore <project> -o FILE [--database NAME] [--timestamp ISO] [--force]
// Through the API (the default, from any machine): the core reads the replica
// with the credentials it holds, runs the drill's pre-checks, restores what
// `litestream restore` would (restore-plan.ts) and sends the file; storage
// credentials never leave the core. With --data-dir DIR, on the core's host,
// the same restore runs here (drills/restore-database.ts either way).
// Anything that stops it is one line on stderr, exit 1 — never a stack trace.
// --force gets past a damage refusal only where Litestream itself can restore:
// never a damaged LTX file (the refusal names a --timestamp before it instead).
import { constants, existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { cliEnv } from "../config.ts";
import { parseFlags, UsageError } from "./args.ts";
import { findProject, parseTimestamp, withStore } from "./local-store.ts";
import { checkedSecretKey } from "../store/secret-key-check.ts";
import { ACCESS_OPTIONS, coreAccess, CoreApiError, createCoreApi, findProjectByApi } from "./core-api.ts";
import { chooseDatabase, restoreDatabase, RestoreFailedError, RestoreRefusedError, RestoreRequestError, type RestoreOutcome } from "../drills/restore-database.ts";
import type { RestoreJob } from "../drills/restore-jobs.ts";
import { formatBytes } from "../words/bytes.ts";
import { printLine } from "../terminal-text.ts";
import { txidLabel } from "../litestream/txid-label.ts";

const POLL_MS = 300;
const WAIT_MS = 6 * 3600_000;

type JobJson = Omit<RestoreJob, "file" | "outcome"> & { outcome: Omit<RestoreOutcome, "file"> | null };

const printStep = (step: string, message: string) => printLine(process.stdout, `  ${step}: ${message}`);

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    database: { type: "string" },
    timestamp: { type: "string" },
    output: { type: "string", short: "o" },
    force: { type: "boolean" },
    ...ACCESS_OPTIONS,
  });
  if (!values.output) throw new UsageError("-o FILE is required: where to write the restored database");
  const output = path.resolve(values.output);
  if (existsSync(output)) throw new UsageError(`-o ${values.output} already exists; restore never overwrites a file`);
  const timestamp = parseTimestamp(values.timestamp);
  const options = { database: values.database, timestamp, force: values.force === true, output };
  try {
    const outcome = values["data-dir"] ? await restoreLocally(positionals[0], options, values["data-dir"]) : await restoreThroughApi(positionals[0], options, coreAccess(values, cliEnv()));
    printLine(process.stdout, `restored ${formatBytes(outcome.bytes)} to ${output} in ${outcome.restoreSeconds.toFixed(2)}s (${outcome.generation ? `generation ${outcome.generation}` : `LTX up to TXID ${txidLabel(outcome.txid ?? 0)}`}, as of ${outcome.restorePoint})`);
    return 0;
  } catch (err) {
    if (err instanceof RestoreRequestError) throw new UsageError(err.message);
    if (!(err instanceof RestoreRefusedError || err instanceof RestoreFailedError || err instanceof CoreApiError)) throw err;
    printLine(process.stderr, `borela restore: ${err.message}`);
    return 1;
  }
}

type Options = { database?: string; timestamp?: Date; force: boolean; output: string };

async function restoreLocally(nameOrId: string | undefined, options: Options, dataDir: string): Promise<Omit<RestoreOutcome, "file">> {
  return withStore(async (store, loaded) => {
    const config = await checkedSecretKey(store, loaded);
    const project = await findProject(store, nameOrId);
    const database = await chooseDatabase(store, project, options.database);
    printLine(process.stdout, `restoring ${project.name}/${database.name}${options.timestamp ? ` as of ${options.timestamp.toISOString()}` : ""}`);
    await mkdir(config.drillDir, { recursive: true, mode: 0o700 });
    const scratch = await mkdtemp(path.join(config.drillDir, "restore-cli-"));
    try {
      const outcome = await restoreDatabase({ store, config }, project, database, { ...options, scratch, onStep: printStep });
      await copyFile(outcome.file, options.output, constants.COPYFILE_EXCL);
      return outcome;
    } catch (err) {
      if (err instanceof RestoreRefusedError || err instanceof RestoreFailedError || err instanceof RestoreRequestError) throw err;
      throw new RestoreFailedError(`cannot restore ${project.name}/${database.name}: ${(err as Error).message}`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }, dataDir);
}

async function restoreThroughApi(nameOrId: string | undefined, options: Options, access: ReturnType<typeof coreAccess>): Promise<Omit<RestoreOutcome, "file">> {
  const api = createCoreApi(access);
  const project = await findProjectByApi(api, nameOrId);
  let job: JobJson;
  try {
    job = await api.json<JobJson>("POST", `/api/v1/projects/${project.id}/restores`, { database: options.database, timestamp: options.timestamp?.toISOString(), force: options.force || undefined });
  } catch (err) {
    if (err instanceof CoreApiError && err.status === 400) throw new RestoreRequestError(err.message.replace(/^.*HTTP 400: /, ""));
    throw err;
  }
  printLine(process.stdout, `restoring ${project.name}/${job.database}${options.timestamp ? ` as of ${options.timestamp.toISOString()}` : ""} on ${api.server}`);
  let printed = 0;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    job = await api.json<JobJson>("GET", `/api/v1/restores/${job.id}`);
    for (const s of job.steps.slice(printed)) printStep(s.step, s.message);
    printed = job.steps.length;
    if (job.status !== "running") break;
    if (Date.now() > deadline) throw new RestoreFailedError(`restore ${job.id} on ${api.server} still running after ${WAIT_MS / 3600_000} h`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (job.status === "refused") throw new RestoreRefusedError(job.error ?? "refused");
  if (job.status === "failed" || !job.outcome) throw new RestoreFailedError(job.error ?? "failed");
  const total = job.outcome.bytes;
  let shown = -1;
  await api.download(`/api/v1/restores/${job.id}/file`, options.output, (received) => {
    // One line per tenth, so a large file shows it moving without flooding the terminal.
    const tenth = total > 0 ? Math.floor((received / total) * 10) : 10;
    if (tenth === shown) return;
    shown = tenth;
    printStep("download", `${formatBytes(received)} of ${formatBytes(total)}`);
  });
  return job.outcome;
}
