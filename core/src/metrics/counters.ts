// The core's own counters and prom-client's default process metrics, in one
// registry for the process. Call sites stay one line: countHeartbeat(),
// countDrillFinished(status), countDelivery(ok).
import { Counter, Registry, collectDefaultMetrics } from "prom-client";

/** The process-wide registry: default process metrics (`process_*`, `nodejs_*`, once startProcessMetrics ran) and the counters below. */
export const processRegistry = new Registry();

let processMetrics = false;
/** Starts prom-client's default metrics, once per process: only a core that serves /metrics pays for them, not the CLI or a drill's child. */
export function startProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: processRegistry });
}

const heartbeats = new Counter({
  name: "borela_heartbeats_received_total",
  help: "Heartbeats accepted from agents (duplicates included)",
  registers: [processRegistry],
});

const drills = new Counter({
  name: "borela_drills_finished_total",
  help: "Drills that finished, by result (passed, failed, error)",
  labelNames: ["result"],
  registers: [processRegistry],
});

const deliveries = new Counter({
  name: "borela_alert_deliveries_total",
  help: "Alert delivery attempts that ended, by result (sent, failed)",
  labelNames: ["result"],
  registers: [processRegistry],
});

// Every series exists from the start, so a rate() over a quiet core reads 0, not "no data".
heartbeats.inc(0);
for (const result of ["passed", "failed", "error"]) drills.inc({ result }, 0);
for (const result of ["sent", "failed"]) deliveries.inc({ result }, 0);

export function countHeartbeat(): void {
  heartbeats.inc();
}

/** result: the drill's stored status ("passed" | "failed" | "error"). */
export function countDrillFinished(result: string): void {
  drills.inc({ result });
}

/** One attempt of one delivery: sent when the channel accepted it. */
export function countDelivery(ok: boolean): void {
  deliveries.inc({ result: ok ? "sent" : "failed" });
}
