// A drill worker records that it is alive: every interval it renews its liveness lease "worker:<workerId>"
// in the shared Lease table (store/lease.ts) for three intervals, so /healthz?details=true on any core lists
// it (worker-seen.ts) until it has not been seen for three intervals. Only a worker able to take drills
// renews (Redis connected, not paused). `borela worker` also writes a status
// file after every beat, which the container's HEALTHCHECK reads (sidecar-image/healthcheck.mjs).
import { writeJsonFile } from "../json-file.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/db.ts";
import { dialectOf } from "../store/dialect.ts";
import { LeaseStore } from "../store/lease.ts";
import { WORKER_LEASE_PREFIX } from "./worker-seen.ts";

/** Liveness leases of workers gone this long (ms) are deleted at a worker's start. */
const FORGET_AFTER_MS = 86_400_000;

/** The status file `borela worker` writes (JSON): ok, when, the interval the healthcheck judges its age by. */
export interface WorkerStatus {
  ok: boolean;
  at: string;
  workerId: string;
  everyMs: number;
  error?: string;
}

export interface WorkerBeatOptions {
  /** Beat interval (ms); the lease lasts three. */
  everyMs: number;
  logger: Logger;
  /** Written after every beat (atomically: a temp file renamed). */
  statusFile?: string;
  /** Why the worker cannot take drills now (Redis not connected, paused), or null; a beat with a problem renews nothing and writes ok: false. */
  problem?: () => string | null;
}

/**
 * Starts beating for `workerId` ("<hostname>:<pid>") now and every options.everyMs; stop() stops and lets the
 * lease go, so the worker drops out of /healthz at once. A failed beat (the store unreachable) is logged once
 * per run of failures and written to the status file; beats never overlap.
 */
export function startWorkerBeat(store: Store, workerId: string, options: WorkerBeatOptions): { stop(): Promise<void> } {
  const leases = new LeaseStore(store, dialectOf(store));
  const name = WORKER_LEASE_PREFIX + workerId;
  let failing = false;
  let beating: Promise<void> = forgetGone(store, new Date()).catch(() => undefined);

  async function beat(): Promise<void> {
    const now = new Date();
    let error = options.problem?.() ?? null;
    try {
      // A worker that cannot take drills now is not renewed: it drops out of /healthz after three beats.
      if (error === null) await leases.claim(name, workerId, now, 3 * options.everyMs);
      failing = false;
    } catch (err) {
      error = `store: ${(err as Error).message}`;
      if (!failing) options.logger.warn({ err: error }, "drill worker: cannot record that it is alive");
      failing = true;
    }
    if (options.statusFile) {
      const status: WorkerStatus = { ok: error === null, at: now.toISOString(), workerId, everyMs: options.everyMs, ...(error ? { error } : {}) };
      await writeJsonFile(options.statusFile, status).catch((err) => options.logger.warn({ file: options.statusFile, err: (err as Error).message }, "drill worker: cannot write the status file"));
    }
  }
  const run = () => {
    beating = beating.then(beat);
  };
  run();
  const timer = setInterval(run, options.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beating;
      await leases.release(name, workerId, new Date()).catch(() => undefined);
    },
  };
}

/** Deletes the liveness leases of workers not seen for a day (each process start beats under a new pid). */
async function forgetGone(store: Store, now: Date): Promise<void> {
  await store.lease.deleteMany({ where: { name: { startsWith: WORKER_LEASE_PREFIX }, until: { lt: new Date(now.getTime() - FORGET_AFTER_MS) } } });
}
