// Managed mode: the replica settings of databases without their own replica
// come from the core (GET /api/v1/agent/config), fetched at start and again
// before the scoped credentials expire (managed.ts decides when and what).
//
//   new ManagedRefresh(options: ManagedRefreshOptions)
//   refresh(): Promise<void>   one fetch; schedules the next itself (never throws)
//     a failed fetch: error set, retried after the heartbeat interval (at most 5 s until the first success)
//     no storage on the core: storageMissing, retried with the periodic refresh
//     new targets: given to the watches, then onTargets() (Litestream restarted on them)
//   error: string | null   why the last fetch failed (an agent error in the heartbeat)
//   storageMissing: boolean
import type { AgentConfigResponse } from "../protocol.ts";
import type { CallOutcome } from "./core-client.ts";
import type { DatabaseWatch } from "./database-watch.ts";
import type { AgentLog } from "./log.ts";
import { credentialRefreshDelayMs, managedTargets, NO_STORAGE_ERROR, sameTargets } from "./managed.ts";
import type { ReplicaTarget } from "../litestream/replica-url.ts";
import type { AgentTimers } from "./timers.ts";

export interface ManagedRefreshOptions {
  /** The databases whose replica the core hands out. */
  watches: DatabaseWatch[];
  fetchConfig: () => Promise<CallOutcome<AgentConfigResponse>>;
  /** False when the heartbeat interval is the default: the core's suggestion then applies. */
  intervalExplicit: boolean;
  intervalMs: () => number;
  setIntervalMs: (ms: number) => void;
  onTargets: () => Promise<void>;
  timers: AgentTimers;
  log: AgentLog;
}

const FIRST_RETRY_MAX_MS = 5_000;

export class ManagedRefresh {
  error: string | null = null;
  storageMissing = false;
  private targets: Map<string, ReplicaTarget> | null = null;

  constructor(private readonly options: ManagedRefreshOptions) {}

  async refresh(): Promise<void> {
    const { watches, log, timers } = this.options;
    const again = (ms: number) => timers.later(ms, () => void this.refresh());
    const result = await this.options.fetchConfig();
    if (result.kind !== "ok") {
      this.error = result.kind === "rejected" ? `agent token rejected by the core (${result.message})` : `cannot get replica settings from the core: ${result.message}`;
      log.warn("managed replica settings unavailable", { message: this.error });
      const intervalMs = this.options.intervalMs();
      again(this.targets ? intervalMs : Math.min(intervalMs, FIRST_RETRY_MAX_MS));
      return;
    }
    this.error = null;
    const config = result.value;
    if (!this.options.intervalExplicit && config.heartbeatIntervalSeconds > 0) this.options.setIntervalMs(config.heartbeatIntervalSeconds * 1000);
    if (!config.storage) {
      this.storageMissing = true;
      log.error(NO_STORAGE_ERROR);
      again(credentialRefreshDelayMs(null, new Date()));
      return;
    }
    this.storageMissing = false;
    const targets = managedTargets(watches.map((w) => w.setting.name), config.storage);
    if (!sameTargets(this.targets, targets)) {
      this.targets = targets;
      for (const w of watches) w.setReplicas([targets.get(w.setting.name)!]);
      log.info("managed replica settings received", { prefix: config.storage.urlPrefix, expiresAt: config.storage.expiresAt ?? "never" });
      await this.options.onTargets();
    }
    again(credentialRefreshDelayMs(config.storage.expiresAt, new Date()));
  }
}
