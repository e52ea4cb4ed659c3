// The storage-listing signal of agentless watching (agentless.ts): on its own
// timer, the core lists the replica the operator stored for each project that
// has no agent (Project.replicaUrl), with the core's own idea of where and with
// which keys (drills/replica-target.ts: the project's stored credentials, the
// managed prefix, BORELA_FILE_REPLICA_ROOTS), never anything an agent reported.
// It stores the newest LTX file's time, or why it could not list (a file
// replica's directory that does not exist: awaited before Litestream's first
// ping, an error after, agentless.ts missingDirectoryWords); the sweeper
// judges from the stored columns (an SQL trigger clears the project's deadline
// at every write, so each listing is judged at once).
//
//   newestLtxAt(listing): Date | null                     pure
//   createStorageLister({ store, config, logger }): { tick, start, stop }
// Bounded: at most LISTING_BATCH projects a round (those listed longest ago first), one at a time,
// each listing under LISTING_TIMEOUT_MS; a round never overlaps the previous one.
import { stat } from "node:fs/promises";
import type { Config } from "../config.ts";
import type { Log } from "../logger.ts";
import type { Store } from "../store/db.ts";
import type { ReplicaListing } from "../litestream/client/replica-client.ts";
import { openReplicaClient } from "../storage/replica-clients.ts";
import { readTarget } from "../drills/replica-target.ts";
import { storedCredentials } from "../storage/stored-credentials.ts";
import { missingDirectoryWords } from "./agentless.ts";
import type { LeaseGate } from "../store/lease-gate.ts";
import { createOutageLog } from "../store/outage.ts";

export const LISTING_BATCH = 50;
export const LISTING_TIMEOUT_MS = 15_000;

/** createdAt of the newest LTX file of any level (Litestream 0.5 layout); null when the listing holds none. */
export function newestLtxAt(listing: Pick<ReplicaListing, "ltx">): Date | null {
  let newest: Date | null = null;
  for (const f of listing.ltx) if (!newest || f.createdAt > newest) newest = f.createdAt;
  return newest;
}

async function exists(dir: string): Promise<boolean> {
  try {
    await stat(dir);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

interface Row {
  id: string;
  storagePrefix: string;
  replicaUrl: string | null;
  newestLtxAt: Date | null;
  listError: string | null;
  /** Read before the listing began (agentless.ts missingDirectoryWords). */
  lastPingAt: Date | null;
}

/** Lists one project's stored replica; the columns to write (only those that changed, and listedAt on success). */
async function listOne(store: Store, config: Config, p: Row & { replicaUrl: string }, now: () => Date) {
  try {
    const target = await readTarget(p.replicaUrl, p.storagePrefix, config, await storedCredentials(store, config.encryptionKey, p.id));
    // A missing directory lists as empty; say so rather than "no LTX file" (the PATCH accepts one Litestream has not made yet).
    if (target.type === "file" && !(await exists(target.path))) throw new Error(missingDirectoryWords(target.url ?? p.replicaUrl, p.lastPingAt));
    const newest = newestLtxAt(await openReplicaClient(target).list({ timeoutMs: LISTING_TIMEOUT_MS }));
    return {
      listedAt: now(),
      ...(newest?.getTime() !== p.newestLtxAt?.getTime() ? { newestLtxAt: newest } : {}),
      ...(p.listError !== null ? { listError: null } : {}),
    };
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    return message !== p.listError ? { listError: message } : null;
  }
}

/** `gate`: with several cores on one store, only the core holding the "storage-listing" lease lists (store/lease-gate.ts). */
export function createStorageLister(deps: { store: Store; config: Config; logger: Log; now?: () => Date; gate?: LeaseGate }) {
  const { store, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const outages = createOutageLog(logger, "storage listing");

  async function round(): Promise<void> {
    const projects = await store.project.findMany({
      where: { replicaUrl: { not: null }, lastHeartbeatAt: null },
      select: { id: true, storagePrefix: true, replicaUrl: true, newestLtxAt: true, listError: true, lastPingAt: true },
      orderBy: { listedAt: { sort: "asc", nulls: "first" } },
      take: LISTING_BATCH,
    });
    for (const p of projects) {
      if (stopped) break;
      const data = await listOne(store, config, p as Row & { replicaUrl: string }, now);
      if (data) await store.project.updateMany({ where: { id: p.id, replicaUrl: p.replicaUrl }, data });
    }
  }

  function tick(): Promise<void> {
    running ??= outages.settle(deps.gate ? deps.gate(round) : round(), "storage listing failed").finally(() => (running = null));
    return running;
  }

  return {
    tick,
    start(): void {
      timer = setInterval(() => void tick(), config.listingIntervalSeconds * 1000);
      timer.unref();
      void tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
export type StorageLister = ReturnType<typeof createStorageLister>;
