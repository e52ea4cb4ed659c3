// The BullMQ queue, its worker and the Redis connection, loaded only when BORELA_REDIS_URL is set: bullmq
// and ioredis cost ~0.25 s of CPU to load, which every `borela drill run` without Redis paid (drill-overhead).
import type { Config } from "../config.ts";
import type { createDrillQueue, createDrillWorker } from "./bullmq-queue.ts";
import type { openRedis } from "../queue/redis.ts";

export interface RedisParts {
  openRedis: typeof openRedis;
  createDrillQueue: typeof createDrillQueue;
  createDrillWorker: typeof createDrillWorker;
}

/** The Redis parts when `config.redisUrl` is set, else null (nothing loaded). Rejects only if a module fails to load. */
export async function loadRedisParts(config: Pick<Config, "redisUrl">): Promise<RedisParts | null> {
  if (!config.redisUrl) return null;
  const [queue, redis] = await Promise.all([import("./bullmq-queue.ts"), import("../queue/redis.ts")]);
  return { openRedis: redis.openRedis, createDrillQueue: queue.createDrillQueue, createDrillWorker: queue.createDrillWorker };
}
