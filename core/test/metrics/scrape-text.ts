// Reads Prometheus text for assertions: sample values by name and labels, and the declared metric names.

/** The value of the one sample of `name` whose labels include `labels`; undefined when none. */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches.length ? Number(matches[0].slice(matches[0].lastIndexOf(" ") + 1)) : undefined;
}

/** Names declared by `# TYPE` lines, with the series names a histogram or summary adds. */
export function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]);
    if (m[2] === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(m[1] + s);
    if (m[2] === "summary") for (const s of ["_sum", "_count"]) names.add(m[1] + s);
  }
  return names;
}
