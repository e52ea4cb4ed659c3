// One scrape: gauges computed from the store now, merged with the process's
// counters and default metrics, in Prometheus' text format.
import { Gauge, Registry } from "prom-client";
import type { Store } from "../store/db.ts";
import { processRegistry } from "./counters.ts";
import { readScrapeRows } from "./scrape-rows.ts";
import { GAUGES, gaugeSamples, type GaugeName } from "./samples.ts";

/** Prometheus' text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = processRegistry.contentType;

/** The whole `/metrics` body at `now`: store gauges (a fresh registry each scrape, so deleted projects vanish) and process metrics. */
export async function scrapeMetrics(store: Store, now = new Date()): Promise<string> {
  const samples = gaugeSamples(await readScrapeRows(store), now);
  const scrape = new Registry();
  for (const name of Object.keys(GAUGES) as GaugeName[]) {
    const gauge = new Gauge({ name, help: GAUGES[name].help, labelNames: [...GAUGES[name].labels], registers: [scrape] });
    for (const s of samples[name]) gauge.set(s.labels, s.value);
  }
  return Registry.merge([processRegistry, scrape]).metrics();
}
