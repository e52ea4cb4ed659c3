// Pure: which drill workers /healthz?details=true shows, from their liveness leases (drills/worker-beat.ts
// writes them into the Lease table as "worker:<workerId>") and the running Drill rows' workerId.
import type { LeaseRow } from "../store/lease-terms.ts";

/** Lease names of drill workers' liveness: "worker:<workerId>". */
export const WORKER_LEASE_PREFIX = "worker:";

/** A drill worker as /healthz shows it; times are ISO strings. */
export interface SeenWorker {
  id: string;
  host: string;
  pid: number | null;
  /** When the worker last recorded that it is alive. */
  lastSeenAt: string;
  /** Drill rows running under this worker's claim. */
  drillsRunning: number;
}

/** What /healthz?details=true says of drill workers (only with BORELA_REDIS_URL: without it the core runs drills itself). */
export interface DrillWorkersHealth {
  workers: SeenWorker[];
  /** Drills waiting for a worker. */
  queued: number;
  /** Why drills will not run, or null: queued drills and no worker seen. */
  problem: string | null;
}

/** Pure: host and pid of a worker id "<hostname>:<pid>" (drills/service.ts); a pid that is not a number is null. */
export function parseWorkerId(id: string): { host: string; pid: number | null } {
  const at = id.lastIndexOf(":");
  if (at < 0) return { host: id, pid: null };
  const pid = Number(id.slice(at + 1));
  return { host: id.slice(0, at), pid: Number.isInteger(pid) && pid > 0 ? pid : null };
}

/** Is this Lease row a drill worker's liveness lease? */
export const isWorkerLease = (name: string): boolean => name.startsWith(WORKER_LEASE_PREFIX);

/**
 * Pure: the workers whose liveness lease runs past `now` (a worker renews it every interval for three
 * intervals: one not seen for three intervals drops out), sorted by id, with the drills each runs
 * (`running`: workerId → running Drill rows), and the problem when `queued` drills wait and none is seen, or
 * Redis (`redisError`: its ping's error, null when it answers) cannot be reached.
 */
export function drillWorkersHealth(leases: LeaseRow[], running: Map<string, number>, queued: number, now: Date, redisError: string | null = null): DrillWorkersHealth {
  const workers = leases
    .filter((l) => isWorkerLease(l.name) && l.until.getTime() >= now.getTime())
    .map((l) => {
      const id = l.name.slice(WORKER_LEASE_PREFIX.length);
      return { id, ...parseWorkerId(id), lastSeenAt: l.renewedAt.toISOString(), drillsRunning: running.get(id) ?? 0 };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  const drills = `${queued} drill${queued === 1 ? "" : "s"} queued`;
  // Workers take drills through Redis: with Redis down, starting another worker would not help.
  const problem =
    queued === 0 ? null
    : redisError !== null ? `${drills} and Redis cannot be reached (${redisError}): no worker can take them until it answers`
    : workers.length === 0 ? `${drills} and no drill worker seen: start \`borela worker\` or a core with BORELA_REDIS_URL`
    : null;
  return { workers, queued, problem };
}
