// Gathers one heartbeat: each database's report (DatabaseWatch.report reads the
// file, counts rows, writes the marker; containerChecks reads mounts) with what
// the pure functions of heartbeat-payload.ts add, then the payload itself. A
// database file found replaced is reported once by this heartbeat, then
// Litestream is restarted on the new file (and a note says so for an hour).
//
//   new HeartbeatBuilder(options: BuilderOptions)
//   build(): Promise<HeartbeatPayload>   sequence 0, 1, 2… for this agent run
import os from "node:os";
import pkg from "../../package.json" with { type: "json" };
import type { HeartbeatPayload } from "../protocol.ts";
import { containerChecks } from "./container-checks.ts";
import type { DatabaseWatch } from "./database-watch.ts";
import { databaseInputs, filesReplaced, heartbeatPayload, logErrorWindowMs, type Replaced } from "./heartbeat-payload.ts";
import type { LitestreamRunner } from "./litestream-runner.ts";
import { currentErrors } from "./log-errors.ts";
import type { ManagedRefresh } from "./managed-refresh.ts";
import type { Sampler } from "./sampler.ts";
import { snapshotReport } from "../litestream/snapshot-config.ts";
import type { AgentSettings } from "./settings.ts";

export interface BuilderOptions {
  settings: AgentSettings;
  watches: DatabaseWatch[];
  litestream: LitestreamRunner;
  sampler: Sampler;
  managed: Pick<ManagedRefresh, "storageMissing" | "error">;
  agentId: string;
  /** The heartbeat interval now (ms). */
  intervalMs: () => number;
  /** Values to redact: the agent token and the replicas' secret keys. */
  secrets: () => string[];
  /** How often row counts are refreshed (ms; default 10 min). */
  countRowsEveryMs?: number;
}

const AGENT_VERSION: string = pkg.version;

export class HeartbeatBuilder {
  private sequence = 0;
  private readonly replaced = new Map<string, Replaced>();

  constructor(private readonly options: BuilderOptions) {}

  async build(): Promise<HeartbeatPayload> {
    const { settings, watches, litestream, sampler, managed, secrets } = this.options;
    const now = new Date();
    const current = currentErrors(litestream.board, now, logErrorWindowMs(this.options.intervalMs()));
    const health = litestream.health(sampler.metricsError);
    const databases = await Promise.all(
      watches.map(async (w) => {
        const inputs = databaseInputs({
          path: w.path,
          replicaNames: w.names,
          managed: w.setting.replicas.length === 0,
          managedStorageMissing: managed.storageMissing,
          current,
          litestream: health,
          replaced: this.replaced.get(w.path),
          now,
        });
        inputs.errors.push(...(await containerChecks(w.setting)));
        const report = await w.report({
          ...inputs,
          now,
          live: sampler.metrics?.databases.get(w.path) ?? null,
          litestreamRunning: health.running,
          countRows: { enabled: settings.countRows, maxBytes: settings.countRowsMaxBytes, everyMs: this.options.countRowsEveryMs ?? 600_000 },
          marker: settings.marker,
          secrets: secrets(),
          restarts: litestream.supervisor ? { enabled: settings.restartLitestream, startedAt: litestream.supervisor.status().restartedAt } : undefined,
        });
        return settings.litestreamVersion === "0.5" ? { ...report, snapshot: snapshotReport(settings.litestreamConfig?.snapshot ?? null) } : report;
      }),
    );
    const toRestart = litestream.supervisor ? filesReplaced(watches.map((w) => ({ path: w.path, problem: w.identityProblem() })), now) : [];
    if (toRestart.length > 0) {
      for (const r of toRestart) this.replaced.set(r.path, r);
      litestream.restart(`database file replaced: ${toRestart.map((r) => r.path).join(", ")}`);
    }
    return heartbeatPayload({
      agentVersion: AGENT_VERSION,
      litestreamVersion: litestream.version,
      now,
      sequence: this.sequence++,
      agentId: this.options.agentId,
      hostname: os.hostname(),
      mode: settings.mode,
      databases,
      agentErrors: [litestream.binaryError, managed.error].filter((e): e is string => e !== null),
      secrets: secrets(),
    });
  }
}
