import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { startEventLoopMonitor } from "../event-loop-health.ts";
import { staleAfterSeconds, sweepHealth } from "../../freshness/sweep-health.ts";
import { STORE_RETRY_AFTER_SECONDS } from "../errors.ts";
import { LeaseStore } from "../../store/lease.ts";
import { currentHolder } from "../../store/lease-terms.ts";
import { dialectOf } from "../../store/dialect.ts";
import type { LeaseRow } from "../../store/lease-terms.ts";
import { jobSettings, leaseSettingsProblem, type HolderSettings, type JobSettings } from "../../store/lease-settings.ts";
import { drillWorkersHealth, isWorkerLease } from "../../drills/worker-seen.ts";

const EventLoop = Type.Object({ p50Ms: Type.Number(), p99Ms: Type.Number(), maxMs: Type.Number(), maxSinceStartMs: Type.Number(), windowSeconds: Type.Number() });
// sweepMs: this core's last completed interval sweep (ms); sweepMaxMs: its longest within the last hour. Null on
// a core that completed none (a peer holds the sweep's lease): freshness/sweep-durations.ts.
const Ms = Type.Union([Type.Number(), Type.Null()]);
const Sweep = Type.Object({ lastSweepAt: Type.Union([Type.String(), Type.Null()]), staleAfterSeconds: Type.Number(), sweepMs: Ms, sweepMaxMs: Ms });
// Present only with BORELA_REDIS_URL: a PING answered within 1 s, or why not (queue/redis.ts).
const Redis = Type.Union([Type.Object({ ok: Type.Literal(true), latencyMs: Type.Number() }), Type.Object({ ok: Type.Literal(false), error: Type.String() })]);
// Per periodic job's lease (store/lease-gate.ts): the core holding it (null: ran out, a peer takes it at its next
// tick), and the last run any core completed.
const Lease = Type.Object({
  name: Type.String(),
  holder: Type.Union([Type.String(), Type.Null()]),
  until: Type.String(),
  lastRunAt: Type.Union([Type.String(), Type.Null()]),
  lastRunBy: Type.Union([Type.String(), Type.Null()]),
  runs: Type.Number(),
  // The holder runs the job with other settings than this core's (store/lease-settings.ts), naming them; else null.
  problem: Type.Union([Type.String(), Type.Null()]),
});
// Which store the core runs on (store/open.ts): never its URL, which may hold a password.
const StoreKind = Type.Union([Type.Literal("sqlite"), Type.Literal("postgresql")]);
// Present only with BORELA_REDIS_URL: the drill workers seen in the last three beats (drills/worker-seen.ts);
// `problem` says when drills are queued and no worker is seen (the core itself is fine: still 200).
const SeenWorker = Type.Object({ id: Type.String(), host: Type.String(), pid: Type.Union([Type.Number(), Type.Null()]), lastSeenAt: Type.String(), drillsRunning: Type.Number() });
const DrillWorkers = Type.Object({ workers: Type.Array(SeenWorker), queued: Type.Number(), problem: Type.Union([Type.String(), Type.Null()]) });
// Whether this core reached its store for this call (store/reachability.ts: SELECT 1 within 1 s, cached ≤ 1 s);
// `since`: when the outage began, as this core saw it.
const StoreReachable = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()), since: Type.Optional(Type.String()) });
// SQLite only: the WAL checkpoint worker (store/checkpointer.ts); "lost": the core's connections checkpoint themselves
// until it starts again (restarts: how many times it did); rounds that copied frames, and the last one's WAL frames and frames copied.
const WalCheckpoints = Type.Object({
  worker: Type.Union([Type.Literal("running"), Type.Literal("lost")]),
  restarts: Type.Number(),
  rounds: Type.Number(),
  last: Type.Union([Type.Object({ log: Type.Number(), checkpointed: Type.Number() }), Type.Null()]),
});
const Details = Type.Object({ store: StoreKind, storeReachable: StoreReachable, eventLoop: EventLoop, sweep: Sweep, leases: Type.Array(Lease), redis: Type.Optional(Redis), drillWorkers: Type.Optional(DrillWorkers), walCheckpoints: Type.Optional(WalCheckpoints) });

export default async function healthRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  // Event-loop delay (issue 18): in /healthz?details=true, and a warn line when a window's stall passes 200 ms.
  const eventLoop = startEventLoopMonitor((fields, message) => app.log.warn({ eventLoop: fields }, message));
  app.addHook("onClose", async () => eventLoop.stop());
  app.get(
    "/healthz",
    {
      schema: {
        hide: true,
        querystring: Type.Object({ details: Type.Optional(Type.Boolean()) }),
        response: {
          200: Type.Object({ ok: Type.Boolean(), details: Type.Optional(Details) }),
          // The store cannot be reached (error "store_unavailable", checked first), or the process answers and its
          // judging loop does not ("sweep_stale", freshness/sweep-health.ts).
          503: Type.Object({ ok: Type.Boolean(), error: Type.String(), message: Type.String(), lastSweepAt: Type.Union([Type.String(), Type.Null()]), details: Type.Optional(Details) }),
        },
      },
    },
    async (request, reply) => {
      const { sweeper, config } = app;
      const walCheckpoints = () => (app.walCheckpoints ? { walCheckpoints: app.walCheckpoints() } : {});
      const reachable = await app.storeReachability.check();
      const storeReachable = reachable.ok ? { ok: true } : { ok: false, error: reachable.error, since: reachable.since };
      if (!reachable.ok) {
        // Nothing more is read from the store: each read would wait for its own connection attempt.
        const sweep = { lastSweepAt: null, staleAfterSeconds: staleAfterSeconds(config.sweepIntervalSeconds), ...sweeper.sweepDurations() };
        const redis = request.query.details ? await app.drills.redisHealth() : null;
        const details = request.query.details ? { details: { store: dialectOf(app.store), storeReachable, eventLoop: eventLoop.figures(), sweep, leases: [], ...(redis ? { redis } : {}), ...walCheckpoints() } } : {};
        reply.header("retry-after", String(STORE_RETRY_AFTER_SECONDS));
        return reply.code(503).send({ ok: false, error: "store_unavailable", message: reachable.error, lastSweepAt: null, ...details });
      }
      // Awaited: the sweeper over the async sweep store reads the shared mark with a promise.
      const sweep = sweepHealth(await sweeper.lastCompletedAt(), sweeper.startedAt, config.sweepIntervalSeconds, new Date());
      // Redis down keeps the answer 200: the core still watches freshness and alerts; only drills wait (queued in the store).
      const redis = request.query.details ? await app.drills.redisHealth() : null;
      const leaseRows = request.query.details ? await readLeases(app) : [];
      const recorded = request.query.details ? await new LeaseStore(app.store, dialectOf(app.store)).listSettings().catch(() => new Map()) : new Map();
      const leases = leaseDetails(leaseRows.filter((r) => !isWorkerLease(r.name)), recorded, jobSettings(config), new Date());
      const drillWorkers = redis ? await drillWorkerDetails(app, leaseRows, new Date(), redis.ok ? null : redis.error) : null;
      const details = request.query.details
        ? { details: { store: dialectOf(app.store), storeReachable, eventLoop: eventLoop.figures(), sweep: { lastSweepAt: sweep.lastSweepAt, staleAfterSeconds: sweep.staleAfterSeconds, ...sweeper.sweepDurations() }, leases, ...(redis ? { redis } : {}), ...(drillWorkers ? { drillWorkers } : {}), ...walCheckpoints() } }
        : {};
      if (!sweep.ok) return reply.code(503).send({ ok: false, error: "sweep_stale", message: sweep.reason ?? "sweep stale", lastSweepAt: sweep.lastSweepAt, ...details });
      return { ok: true, ...details };
    },
  );
}

/** The Lease table's rows; an unreadable store shows none (the sweep's own health says more). */
async function readLeases(app: FastifyInstance): Promise<LeaseRow[]> {
  return new LeaseStore(app.store, dialectOf(app.store)).list().catch(() => []);
}

/** Drill workers seen, the drills each runs, and the queued drills waiting; null when the store cannot be read. */
async function drillWorkerDetails(app: FastifyInstance, rows: LeaseRow[], now: Date, redisError: string | null) {
  try {
    const [queued, running] = await Promise.all([
      app.store.drill.count({ where: { status: "queued" } }),
      app.store.drill.groupBy({ by: ["workerId"], where: { status: "running" }, _count: { _all: true } }),
    ]);
    return drillWorkersHealth(rows, new Map(running.map((r) => [r.workerId ?? "", r._count._all])), queued, now, redisError);
  } catch {
    return null;
  }
}

/** The periodic jobs' leases as /healthz shows them; `recorded`: what each holder recorded (LeaseStore.listSettings). */
function leaseDetails(rows: LeaseRow[], recorded: Map<string, HolderSettings>, ours: JobSettings, now: Date) {
  return rows.map((r) => ({
    name: r.name,
    holder: currentHolder(r, now),
    until: r.until.toISOString(),
    lastRunAt: r.lastRunAt?.toISOString() ?? null,
    lastRunBy: r.lastRunBy,
    runs: r.runs,
    problem: leaseSettingsProblem(r, recorded.get(r.name), ours, "", now),
  }));
}
