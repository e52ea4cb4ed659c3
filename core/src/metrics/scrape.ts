// One scrape: the process's counters and default metrics (prom-client), then
// the gauges computed from the store now, in Prometheus' text format.
import { setImmediate } from "node:timers";
import type { Store } from "../store/db.ts";
import { processRegistry } from "./counters.ts";
import { readScrapeRows } from "./scrape-rows.ts";
import { GAUGES, gaugeSamples, type GaugeName } from "./samples.ts";
import { gaugeText } from "./exposition.ts";

/** Prometheus' text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = processRegistry.contentType;

/** The whole `/metrics` body at `now`: a deleted project's series are gone at the next scrape. */
export async function scrapeMetrics(store: Store, now = new Date()): Promise<string> {
  const samples = gaugeSamples(await readScrapeRows(store), now);
  let text = await processRegistry.metrics();
  for (const name of Object.keys(GAUGES) as GaugeName[]) {
    // One family at a time, letting heartbeats in between: at 10,000 projects the whole text takes about a second.
    await new Promise((resolve) => setImmediate(resolve));
    text += "\n" + gaugeText(name, GAUGES[name].help, samples[name]);
  }
  return text;
}
