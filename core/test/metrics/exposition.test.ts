// The hand-written exposition must say exactly what prom-client would, escapes included.
import { describe, expect, it } from "vitest";
import { Gauge, Registry } from "prom-client";
import { gaugeText } from "../../src/metrics/exposition.ts";

describe("gaugeText", () => {
  it("matches prom-client's text for the same gauge, with quotes, backslashes and line feeds escaped", async () => {
    const samples = [
      { labels: { project: 'say "hi"', database: "a\\b" }, value: 1 },
      { labels: { project: "two\nlines", database: "app" }, value: 0.25 },
      { labels: { project: "big", database: "app" }, value: 1e12 },
      { labels: { project: "never", database: "app" }, value: Number.POSITIVE_INFINITY },
    ];
    const help = "help with a \\ backslash\nand a line feed";
    const registry = new Registry();
    const gauge = new Gauge({ name: "borela_test_gauge", help, labelNames: ["project", "database"], registers: [registry] });
    for (const s of samples) gauge.set(s.labels, s.value);
    expect(gaugeText("borela_test_gauge", help, samples)).toBe(await registry.metrics());
  });

  it("declares a gauge without samples", () => {
    expect(gaugeText("borela_empty", "nothing yet", [])).toBe("# HELP borela_empty nothing yet\n# TYPE borela_empty gauge\n");
  });
});
