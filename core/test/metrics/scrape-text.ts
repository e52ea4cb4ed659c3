// Reads Prometheus text for assertions (sample values, sampled names) and the metric names a Grafana dashboard queries.

/** The value of the one sample of `name` whose labels include `labels`; undefined when none. */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches.length ? Number(matches[0].slice(matches[0].lastIndexOf(" ") + 1)) : undefined;
}

/** Metric names that have at least one sample line (a histogram's `_bucket`, `_sum`, `_count` each count). */
export function sampledNames(text: string): Set<string> {
  return new Set(text.split("\n").filter((line) => line && !line.startsWith("#")).map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]));
}

/** The metric names in every `expr` of a Grafana dashboard's panels (Borela's and Node's process metrics by prefix). */
export function grafanaMetricNames(dashboard: { panels: { targets?: { expr?: string }[] }[] }): string[] {
  const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr ?? "");
  if (exprs.some((e) => !/\b(borela|process|nodejs)_/.test(e))) throw new Error(`a panel queries no Borela or process metric: ${JSON.stringify(exprs)}`);
  return [...new Set(exprs.flatMap((e) => [...e.matchAll(/\b(?:borela|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0])))].sort();
}
