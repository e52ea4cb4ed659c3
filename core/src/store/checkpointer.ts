// The core's WAL checkpoints, off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
// takes the WAL past 1,000 pages, on the thread that commits: under a steady heartbeat load that was every
// fifteenth group commit, and its page copy and fsyncs blocked the event loop for a third of the ingest's
// time (docs/benchmarks.md, heartbeat-ingest). A serving core turns that off on its own connections and
// checkpoints on a worker thread instead, at the same threshold (checkpoint-worker.mjs: once the WAL holds
// 1,000 frames, a PASSIVE checkpoint and a RESTART one, so the WAL starts over as it did).
//
//   startCheckpointer(file, connections, { intervalMs, onLost }): Checkpointer
//     file: the core's SQLite database (db.ts databaseFile); connections: each sets a connection's
//     wal_autocheckpoint (pages), called with 0 now and with SQLite's default, 1,000, when the worker is lost
//     (a checkpoint failed with anything but SQLITE_BUSY, or it exited unasked), so the WAL is never left
//     without a checkpointer. A lost worker is started again after a backoff (30 s, doubling to 10 min, while
//     it keeps failing): a full or read-only disk that comes back gets its checkpoints off the event loop again.
import { Worker } from "node:worker_threads";
import { backoffMs } from "../backoff.ts";

const WORKER = new URL("./checkpoint-worker.mjs", import.meta.url);
/** SQLite's default automatic checkpoint threshold (pages): the worker's too, and put back on the connections if it is lost. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** How often the worker looks at the WAL (ms): reading the WAL-index header costs a few µs. */
export const CHECKPOINT_INTERVAL_MS = 100;

/** The last checkpoint's figures, in WAL frames (pages). */
export interface CheckpointRound {
  /** Frames in the WAL. */
  log: number;
  /** Frames of it copied into the database file. */
  checkpointed: number;
}

/** How long a lost worker waits before it is started again (ms), by losses in a row. */
export const restartDelayMs = (losses: number) => backoffMs(losses, 30_000, 600_000);

/** What /healthz?details=true says of the checkpoints (SQLite only). */
export interface WalCheckpoints {
  /** "lost": the worker stopped; the connections checkpoint themselves until it is started again. */
  worker: "running" | "lost";
  /** Times the worker was started again after a loss. */
  restarts: number;
  /** Rounds that copied something since the start. */
  rounds: number;
  /** The last such round's figures, or null before one. */
  last: CheckpointRound | null;
}

export interface Checkpointer {
  status(): WalCheckpoints;
  /** Ends the worker; the connections are left as they are (the caller closes them). */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /** The worker lost (why), and the ms until it is started again: the connections checkpoint themselves meanwhile. */
  onLost?: (message: string, retryInMs: number) => void;
  /** The worker started again after a loss has checkpointed: the connections' own checkpoints are off again. */
  onBack?: () => void;
  /** restartDelayMs by default. */
  restartDelay?: (losses: number) => number;
}

export function startCheckpointer(file: string, connections: Array<(pages: number) => unknown>, options: CheckpointerOptions = {}): Checkpointer {
  const restartDelay = options.restartDelay ?? restartDelayMs;
  let last: CheckpointRound | null = null;
  let rounds = 0;
  let restarts = 0;
  let stopping = false;
  let lost = false;
  // Losses since the worker last checkpointed: the backoff's count.
  let losses = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let worker: Worker;
  let exited: Promise<void>;

  function start(): void {
    const current = new Worker(WORKER, { workerData: { file, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS, thresholdFrames: SQLITE_AUTOCHECKPOINT_PAGES } });
    worker = current;
    // Ends with the process like any timer the core does not wait for.
    current.unref();
    for (const set of connections) set(0);
    lost = false;
    const loseIt = (message: string) => {
      if (stopping || lost || current !== worker) return;
      lost = true;
      losses++;
      for (const set of connections) set(SQLITE_AUTOCHECKPOINT_PAGES);
      const wait = restartDelay(losses);
      options.onLost?.(message, wait);
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (stopping) return;
        restarts++;
        start();
      }, wait);
      restartTimer.unref();
    };
    current.on("message", (msg: CheckpointRound) => {
      last = msg;
      rounds++;
      if (losses > 0) {
        losses = 0;
        options.onBack?.();
      }
    });
    current.on("error", (err) => loseIt(err.message));
    current.on("exit", (code) => loseIt(`the checkpoint worker exited (code ${code})`));
    exited = new Promise<void>((resolve) => current.once("exit", () => resolve()));
  }
  start();

  return {
    status: () => ({ worker: lost ? "lost" : "running", restarts, rounds, last }),
    async stop() {
      if (stopping) return exited;
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (lost) return;
      // Held until it has exited: an unref'd worker alone would let the process end with this await unsettled.
      worker.ref();
      worker.postMessage({ stop: true });
      await exited;
    },
  };
}
