// Failure windows in Redis, shared by every core pointing at it: one key per window, counted with INCR and
// ended by PEXPIRE in one Lua script (atomic: two cores' failures both count, the first opens the window).
// Its own connection: the queue's (queue/redis.ts) waits for Redis forever, and a failed login must not;
// this one refuses commands while disconnected, so a Redis that is down answers at once (with an error).
//
//   redisWindows(url, prefix?): FailureWindows     keys: "<prefix><key>", prefix "borela:auth:"
// Errors: add/get reject with ioredis's error when Redis is down or refuses; never with the URL.
import { Redis } from "ioredis";
import { boundedKey, type FailureWindows, type Window } from "./windows.ts";

// KEYS[1]: the window; ARGV[1]: its length in ms. Returns {count, ms left}. A key left without a TTL (never
// by this script) is given one, so no window outlives its length.
const ADD = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
`;
const GET = `
local count = redis.call('GET', KEYS[1])
if not count then return nil end
return {tonumber(count), redis.call('PTTL', KEYS[1])}
`;

export function redisWindows(url: string, prefix = "borela:auth:"): FailureWindows {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2_000, connectionName: "borela-auth" });
  // Errors reach the caller through the rejected command (auth-state/fallback.ts logs them once).
  client.on("error", () => undefined);
  // Until the first attempt to connect ends, commands wait for it (a core's first failed logins must not all
  // miss Redis); after that, a disconnected client refuses at once.
  let first: Promise<void> | null = new Promise((resolve) => {
    client.once("ready", resolve);
    client.once("error", resolve);
  });
  async function run<T>(command: () => Promise<T>): Promise<T> {
    if (first) {
      await first;
      first = null;
    }
    return command();
  }
  const key = (k: string) => prefix + boundedKey(k);
  return {
    async add(k, windowMs) {
      const [count, leftMs] = (await run(() => client.eval(ADD, 1, key(k), Math.max(1, Math.round(windowMs))))) as [number, number];
      return { count, leftMs };
    },
    async get(k): Promise<Window | null> {
      const found = (await run(() => client.eval(GET, 1, key(k)))) as [number, number] | null;
      if (!found || found[1] <= 0) return null;
      return { count: found[0], leftMs: found[1] };
    },
    async close() {
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
