// The core's one Redis connection (BORELA_REDIS_URL): BullMQ's queue and workers share it (a worker
// duplicates it for its blocking reads), /healthz pings it, and later users (shared locks) take it from here.
import { Redis } from "ioredis";

/** What /healthz?details=true shows: `ok` after a PING answered within the timeout, else why not. */
export type RedisHealth = { ok: true; latencyMs: number } | { ok: false; error: string };

export interface RedisConnection {
  /** The shared ioredis client (maxRetriesPerRequest: null, as BullMQ's workers require). */
  client: Redis;
  /** PINGs Redis; never throws, never waits longer than `timeoutMs` (default 1,000 ms). */
  ping(timeoutMs?: number): Promise<RedisHealth>;
  /**
   * Whether the client is connected; only while its first attempt to connect is under way, waits up to
   * `timeoutMs` for it (a fresh CLI process must not skip Redis; a Redis found down costs no wait). Never throws.
   */
  ready(timeoutMs: number): Promise<boolean>;
  /** Quits the client (once; later calls do nothing). Close BullMQ's queues and workers first. */
  close(): Promise<void>;
}

/**
 * Opens the client for `url` (redis://[user:password@]host:port[/db], or rediss:// for TLS; parsed by
 * ioredis). Connecting goes on in the background and retries forever; connection errors are kept for
 * ping()'s answer and passed to `onError` (never thrown, never logged with the URL, which may hold a password).
 */
export function openRedis(url: string, onError: (message: string) => void = () => undefined): RedisConnection {
  const client = new Redis(url, { maxRetriesPerRequest: null, connectionName: "borela" });
  let lastError: string | null = null;
  // The first attempt to connect ended (connected, or failed).
  let firstAttemptEnded = false;
  client.on("error", (err: Error) => {
    firstAttemptEnded = true;
    lastError = err.message;
    onError(err.message);
  });
  client.on("ready", () => {
    firstAttemptEnded = true;
    lastError = null;
  });
  let closing: Promise<void> | null = null;
  return {
    client,
    ready(timeoutMs) {
      if (client.status === "ready") return Promise.resolve(true);
      if (firstAttemptEnded || client.status === "end") return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off("ready", onReady);
          client.off("error", onFailed);
          resolve(ok);
        };
        const onReady = () => done(true);
        const onFailed = () => done(false);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.on("ready", onReady);
        client.on("error", onFailed);
      });
    },
    async ping(timeoutMs = 1_000) {
      // Not connected: a PING would wait in ioredis's offline queue until Redis comes back.
      if (client.status !== "ready") return { ok: false, error: `not connected (${client.status}${lastError ? `: ${lastError}` : ""})` };
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<RedisHealth>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, error: `no answer to PING within ${timeoutMs} ms` }), timeoutMs);
      });
      const answer = client.ping().then(
        (): RedisHealth => ({ ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 }),
        (err: Error): RedisHealth => ({ ok: false, error: err.message }),
      );
      try {
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      // QUIT waits for Redis; a client that is not connected would hold it in the offline queue forever.
      closing ??= client.status === "ready" ? client.quit().then(() => undefined, () => client.disconnect()) : Promise.resolve(client.disconnect());
      return closing;
    },
  };
}
