// What `serve` (and the CLI) use to drill: enqueue drills, run the queue
// (embedded, or BullMQ when BORELA_REDIS_URL is set), fire schedules and
// notice overdue proofs.
import { hostname } from "node:os";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import type { DrillTrigger } from "../generated/prisma/enums.ts";
import { openIncident } from "../incidents/open-resolve.ts";
import { createEmbeddedQueue } from "./embedded-queue.ts";
import type { RedisHealth } from "../queue/redis.ts";
import type { RedisParts } from "./redis-parts.ts";
import { firstDrillDue, overdueDeadline, overdueReason } from "./schedule.ts";
import { nextFire } from "../schedule/cron.ts";
import { dueOverdueChecks, dueSchedules, walkDeadlines } from "./deadlines.ts";
import { reclaimExpired } from "./leases.ts";
import { createFirstDrillQueue, firstDrillCandidates } from "./first-drill.ts";
import { replicaReadProblem } from "./read-problem.ts";
import { storedCredentials, type StoredCredentials } from "../storage/stored-credentials.ts";
import type { DrillContext } from "./run-drill.ts";
import { storedDrillable, storedReplicaName } from "./stored-subject.ts";
import type { LeaseGate } from "../store/lease-gate.ts";
import { createOutageLog } from "../store/outage.ts";

/** How often the schedule ticks (ms): due schedules, overdue checks, the first-drill catch-up. */
export const SCHEDULE_EVERY_MS = 30_000;
// A project found overdue (its incident open) is looked at again this often, so its reason stays current.
const OVERDUE_RECHECK_MS = 3_600_000;
// A stored schedule that no longer parses (written before validation) is looked at again this often.
const BAD_SCHEDULE_RECHECK_MS = 3_600_000;

// The first tick after a start, then this often, queues first drills the sweeper's hook missed.
const FIRST_DRILL_CATCH_UP_MS = 600_000;

export class DrillRequestError extends Error {}

/**
 * Whether the core can read `url` with what it holds: a replica it cannot read gets no automatic
 * first drill; its scheduled drill says why (read-problem.ts).
 */
function coreCanRead(url: string, storagePrefix: string, config: Config, stored: StoredCredentials | null): boolean {
  return replicaReadProblem(url, storagePrefix, config, stored) === null;
}

export interface EnqueueOptions {
  database?: string;
  timestamp?: Date;
  trigger?: DrillTrigger;
}

/**
 * `redisParts`: loadRedisParts(config) (drills/redis-parts.ts), required when config.redisUrl is set; throws
 * without them then.
 */
export function createDrillService(deps: { store: Store; config: Config; logger: Logger; context?: Partial<DrillContext>; redisParts?: RedisParts | null }) {
  const { store, config, logger } = deps;
  const workerId = `${hostname()}:${process.pid}`;
  const ctx = { store, config, logger, ...deps.context };
  // With BORELA_REDIS_URL: one connection for the queue, this process's worker and /healthz (queue/redis.ts).
  const parts = deps.redisParts ?? null;
  if (config.redisUrl && !parts) throw new Error("createDrillService: BORELA_REDIS_URL is set but the Redis parts were not loaded (loadRedisParts)");
  const connection = config.redisUrl && parts ? parts.openRedis(config.redisUrl) : null;
  const redis = connection && parts ? parts.createDrillQueue(connection, store, logger) : null;
  const embedded = redis ? null : createEmbeddedQueue(ctx, workerId);
  let worker: ReturnType<RedisParts["createDrillWorker"]> | null = null;
  let timer: NodeJS.Timeout | null = null;

  /** Creates one drill per database (or the named one); returns their ids. */
  async function enqueue(projectId: string, options: EnqueueOptions = {}): Promise<string[]> {
    const databases: { id: string | null; name: string }[] = await store.database.findMany({ where: { projectId }, orderBy: { name: "asc" }, select: { id: true, name: true } });
    // A project without an agent is drilled on the replica the operator stored (stored-subject.ts).
    if (databases.length === 0) {
      const p = await store.project.findUnique({ where: { id: projectId }, select: { replicaUrl: true, lastHeartbeatAt: true } });
      if (p && storedDrillable(p)) databases.push({ id: null, name: storedReplicaName(p.replicaUrl!) });
    }
    const chosen = options.database ? databases.filter((d) => d.name === options.database) : databases;
    if (options.database && chosen.length === 0) {
      throw new DrillRequestError(
        `no database named ${JSON.stringify(options.database)} in this project (known: ${databases.map((d) => d.name).join(", ") || "none yet"})`,
      );
    }
    if (chosen.length === 0) throw new DrillRequestError("this project has no database yet: start its agent first, or store its replicaUrl");
    const ids: string[] = [];
    for (const db of chosen) {
      const id = newId();
      await store.drill.create({
        data: { id, projectId, databaseId: db.id, databaseName: db.name, timestamp: options.timestamp ?? null, trigger: options.trigger ?? "manual" },
      });
      ids.push(id);
      if (redis) await redis.add(id);
    }
    embedded?.wake(ids);
    return ids;
  }

  /**
   * Queues a drill of every database of each project whose first drill is due (see firstDrillDue); returns
   * each such project's drill ids (none for a project where nothing was due). The Setting row
   * "first-drill:<project id>" is the claim: its key is unique, so two processes (or a sweep and a schedule
   * tick) never queue it twice. A database whose replica the core cannot read (a file replica outside
   * BORELA_FILE_REPLICA_ROOTS, bring-your-own S3 without stored read credentials) is left to the schedule,
   * whose drill says why. Two reads for the whole list (projects, then which of the due ones have stored
   * credentials), not two per project: 100,000 projects turning fresh at once ask this in batches of 25.
   * A project whose look fails is logged and skipped; the others go on.
   */
  async function firstDrills(projectIds: string[], now = new Date()): Promise<Map<string, string[]>> {
    const queued = new Map<string, string[]>();
    if (projectIds.length === 0) return queued;
    const projects = await store.project.findMany({
      where: { id: { in: projectIds } },
      select: {
        id: true,
        status: true,
        storagePrefix: true,
        replicaUrl: true,
        lastHeartbeatAt: true,
        _count: { select: { drills: true } },
        databases: { select: { name: true, replicas: { select: { url: true }, orderBy: { url: "asc" }, take: 1 } } },
      },
    });
    for (const p of projects) if (p.databases.length === 0 && storedDrillable(p)) p.databases.push({ name: storedReplicaName(p.replicaUrl!), replicas: [{ url: p.replicaUrl! }] });
    const due = projects.filter((p) => firstDrillDue({ status: p.status, databases: p.databases.length, drills: p._count.drills }));
    if (due.length === 0) return queued;
    const credentialed = new Set(
      (await store.storageCredential.findMany({ where: { projectId: { in: due.map((p) => p.id) } }, select: { projectId: true } })).map((c) => c.projectId),
    );
    for (const p of due) {
      try {
        const stored = credentialed.has(p.id) ? await storedCredentials(store, config.encryptionKey, p.id) : null;
        const readable = p.databases.filter((d) => {
          const url = d.replicas[0]?.url;
          return url !== undefined && coreCanRead(url, p.storagePrefix, config, stored);
        });
        if (readable.length === 0) continue;
        const claimed = await store.setting
          .create({ data: { key: `first-drill:${p.id}`, value: now.toISOString() } })
          .then(() => true)
          .catch((err: { code?: string }) => {
            if (err.code === "P2002") return false;
            throw err;
          });
        if (!claimed) continue;
        const ids: string[] = [];
        for (const d of readable) ids.push(...(await enqueue(p.id, { database: d.name, trigger: "first" })));
        logger.info({ projectId: p.id, drills: ids }, "first drill queued: the project turned fresh and was never drilled");
        queued.set(p.id, ids);
      } catch (err) {
        logger.error({ err, projectId: p.id }, "first drill not queued");
      }
    }
    return queued;
  }

  /** firstDrills for one project: its drill ids, or [] when nothing was due. */
  async function firstDrill(projectId: string, now = new Date()): Promise<string[]> {
    return (await firstDrills([projectId], now)).get(projectId) ?? [];
  }

  /** The next fire after `now`, or a later look when the stored cron cannot be read (logged). */
  function nextLook(projectId: string, cron: string, now: Date): Date {
    try {
      return nextFire(cron, now);
    } catch (err) {
      logger.warn({ projectId, cron, err: (err as Error).message }, "drill schedule cannot be read; looked at again in an hour");
      return new Date(now.getTime() + BAD_SCHEDULE_RECHECK_MS);
    }
  }

  /**
   * Fires due schedules: a NULL nextDrillAt is a first look (it only records where the schedule stands),
   * a passed one queues the drill through enqueue (the embedded queue, or a BullMQ job per drill).
   * Reads only due rows, BATCH at a time.
   */
  async function fireSchedules(now: Date): Promise<void> {
    await walkDeadlines(store, "nextDrillAt", () => dueSchedules(store, now), async (p) => {
      if (p.nextDrillAt !== null && p.databases > 0) {
        await enqueue(p.id, { trigger: "schedule" }).catch((err) => logger.error({ err, projectId: p.id }, "scheduled drill not queued"));
      }
      return { id: p.id, was: p.nextDrillAt, at: nextLook(p.id, p.drillSchedule, now) };
    });
  }

  /** Opens drill_overdue incidents, reading only projects whose overdue deadline passed (or was cleared). */
  async function checkOverdue(now: Date): Promise<void> {
    await walkDeadlines(store, "drillOverdueAt", () => dueOverdueChecks(store, now), async (p) => {
      let at: Date;
      try {
        at = overdueDeadline(p.drillSchedule, p.drillGraceSeconds, p.lastPassedAt, p.createdAt, now);
        // A project without databases has nothing to drill yet: no incident, looked at again later.
        const reason = p.databases > 0 && now > at ? overdueReason(p.drillSchedule, p.drillGraceSeconds, p.lastPassedAt, p.createdAt, now) : null;
        if (reason) await openIncident(store, { projectId: p.id, kind: "drill_overdue", reason }, now);
        if (reason || at <= now) at = new Date(now.getTime() + OVERDUE_RECHECK_MS);
      } catch (err) {
        logger.warn({ projectId: p.id, err: (err as Error).message }, "drill overdue check failed; looked at again in an hour");
        at = new Date(now.getTime() + BAD_SCHEDULE_RECHECK_MS);
      }
      return { id: p.id, was: p.drillOverdueAt, at };
    });
  }

  // Transitions to fresh and the catch-up's candidates, looked at in batches (first-drill.ts).
  const firstDrillQueue = createFirstDrillQueue(store, (projectIds) => firstDrills(projectIds), (err) => logger.error({ err }, "first drills not queued"));
  let lastCatchUp: number | null = null;
  async function tickOnce(now: Date): Promise<void> {
    if (redis) {
      // A drill whose job vanished with its worker goes back on the queue (the embedded queue reclaims on its own).
      for (const id of await reclaimExpired(store, config.drillDir, now)) {
        const d = await store.drill.findUnique({ where: { id } });
        if (d?.status === "queued") await redis.add(id, d.attempts + 1);
      }
    }
    // Replicas the core cannot read stay candidates; looking at them every tick would cost a read each.
    if (lastCatchUp === null || now.getTime() - lastCatchUp >= FIRST_DRILL_CATCH_UP_MS || now.getTime() < lastCatchUp) {
      lastCatchUp = now.getTime();
      for (const id of await firstDrillCandidates(store)) firstDrillQueue.add(id);
      await firstDrillQueue.idle();
    }
    await fireSchedules(now);
    await checkOverdue(now);
  }

  function startWorker(concurrency: number, options: { statusFile?: string } = {}): void {
    if (!connection || !parts) throw new Error("a BullMQ worker needs BORELA_REDIS_URL");
    worker ??= parts.createDrillWorker(ctx, connection.client, { workerId, concurrency, ...options });
  }

  let running: Promise<void> | null = null;
  /**
   * Fires due schedules and opens drill_overdue incidents.
   * Ticks never overlap: a call during a tick runs after it.
   */
  function scheduleTick(now = new Date()): Promise<void> {
    const mine: Promise<void> = (running ?? Promise.resolve()).catch(() => undefined).then(() => tickOnce(now));
    running = mine;
    void mine.catch(() => undefined).finally(() => {
      if (running === mine) running = null;
    });
    return mine;
  }

  return {
    enqueue,
    firstDrill,
    firstDrills,
    /** The sweeper's status-change hook: a project that turns fresh gets its first drill when it never had one. */
    onProjectStatus(projectId: string, status: string): void {
      if (status === "fresh") firstDrillQueue.add(projectId);
    },
    scheduleTick,
    /** Runs what is queued now (only the named drills when given; embedded mode); tests and the CLI use it to wait. */
    tick: (only?: string[]) => embedded?.tick(only) ?? Promise.resolve(),
    /** Number of BullMQ workers connected to the queue (0 without Redis). */
    workerCount: async (): Promise<number> => (redis ? (await redis.queue.getWorkers()).length : 0),
    /** Redis reachability for /healthz?details=true (a PING, at most 1 s); null without BORELA_REDIS_URL. */
    redisHealth: (): Promise<RedisHealth | null> => connection?.ping() ?? Promise.resolve(null),
    /** Starts this process's BullMQ worker (`borela worker`, or serve's own); needs BORELA_REDIS_URL. Closed by stop(). */
    startWorker,
    /** `gate`: with several cores on one store, the timer's ticks run only in the core holding the lease (store/lease-gate.ts). */
    start(options: { worker?: boolean; gate?: LeaseGate } = {}): void {
      const scheduleOutages = createOutageLog(logger, "drill scheduling");
      embedded?.start();
      if (redis && options.worker !== false) startWorker(1);
      redis?.start();
      const run = () => {
        if (running) return; // the previous tick is still going: skip this one rather than queue behind it
        void scheduleOutages.settle(options.gate ? options.gate(() => scheduleTick()) : scheduleTick(), "drill schedule failed");
      };
      timer = setInterval(run, SCHEDULE_EVERY_MS);
      timer.unref();
      void run();
    },
    /** Holds this process's BullMQ worker (another process's workers go on); resume() lets it take jobs again. */
    async pause(): Promise<void> {
      await worker?.pause();
    },
    resume(): void {
      worker?.resume();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await firstDrillQueue.stop();
      await embedded?.stop();
      // A graceful close waits for Redis forever when it is down: then force (a drill left running loses its lease).
      await worker?.close(connection?.client.status !== "ready");
      await redis?.close();
      await connection?.close();
    },
  };
}
export type DrillService = ReturnType<typeof createDrillService>;
