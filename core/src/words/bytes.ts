// How the core words a size, one wording for drill reports, the CLI and the digest
// (the dashboard imports it: dashboard/src/lib/format.ts).

/** Bytes in binary units: "512 B", "2.7 KiB", "16 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
