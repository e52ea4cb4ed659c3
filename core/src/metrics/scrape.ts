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

const STORE_UP_HELP = "1 when this core reached its store for this scrape; 0 while it cannot (the store's gauges are then left out)";

/** `borela_store_up` with its value. */
function storeUpText(up: boolean): string {
  return gaugeText("borela_store_up", STORE_UP_HELP, [{ labels: {}, value: up ? 1 : 0 }]);
}

/**
 * The `/metrics` body while the store cannot be reached: the process's own metrics and `borela_store_up 0`, so a
 * scrape during an outage still answers (200) and says what is wrong.
 */
export async function scrapeWithoutStore(): Promise<string> {
  return `${await processRegistry.metrics()}
${storeUpText(false)}`;
}

/** The whole `/metrics` body at `now`: a deleted project's series are gone at the next scrape. */
export async function scrapeMetrics(store: Store, now = new Date()): Promise<string> {
  const samples = gaugeSamples(await readScrapeRows(store), now);
  let text = `${await processRegistry.metrics()}
${storeUpText(true)}`;
  for (const name of Object.keys(GAUGES) as GaugeName[]) {
    // One family at a time, letting heartbeats in between: at 10,000 projects the whole text takes about a second.
    await new Promise((resolve) => setImmediate(resolve));
    text += "\n" + gaugeText(name, GAUGES[name].help, samples[name]);
  }
  return text;
}
