// borela worker [--concurrency N]: processes drills from the BullMQ queue (BORELA_REDIS_URL). It records that
// it is alive in the store (/healthz?details=true lists it) and in <data dir>/worker-status.json, which the
// container's HEALTHCHECK reads (sidecar-image/healthcheck.mjs).
import path from "node:path";
import { parseFlags, UsageError } from "./args.ts";
import { loadConfig, readInt } from "../config.ts";
import { openConfiguredStore } from "../store/open.ts";
import { checkedSecretKey } from "../store/secret-key-check.ts";
import { createLogger } from "../logger.ts";
import { createDrillService } from "../drills/service.ts";
import { loadRedisParts } from "../drills/redis-parts.ts";
import { ignoreRepeatedHangups, keepRunningWithoutOutput } from "../output-closed.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { concurrency: { type: "string" }, "data-dir": { type: "string" } }, false);
  keepRunningWithoutOutput();
  const loaded = loadConfig(undefined, values["data-dir"] ? { dataDir: values["data-dir"] } : {});
  if (!loaded.redisUrl) throw new UsageError("borela worker needs BORELA_REDIS_URL (without Redis, `borela serve` runs drills itself)");
  const concurrency = readInt({ concurrency: values.concurrency }, "concurrency", 1, 1, 64);
  const logger = createLogger(loaded.logLevel, process.stderr);
  const opened = await openConfiguredStore(loaded);
  const store = opened.store;
  const config = await checkedSecretKey(store, loaded).catch(async (err) => {
    await opened.close();
    throw err;
  });
  // The service's Redis connection carries the worker; the schedule tick stays with `borela serve`.
  const service = createDrillService({ store, config, logger, redisParts: await loadRedisParts(config) });
  service.startWorker(concurrency, { statusFile: workerStatusFile(loaded.dataDir) });
  process.stderr.write(`borela worker ${process.pid}: processing drills from ${new URL(loaded.redisUrl).host} (concurrency ${concurrency})\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
    ignoreRepeatedHangups(resolve);
  });
  await service.stop();
  await opened.close();
  return 0;
}

/** Where `borela worker` writes its status (drills/worker-beat.ts WorkerStatus); the healthcheck reads the same path. */
export const workerStatusFile = (dataDir: string): string => path.join(dataDir, "worker-status.json");
