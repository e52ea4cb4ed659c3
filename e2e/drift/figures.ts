// Figures of the drift suite's last run, for docs/reliability.md.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

const FILE = path.resolve(import.meta.dirname, "../../.artifacts/drift-figures.json");

export function recordDetection(scenario: string, status: string, seconds: number): void {
  mkdirSync(path.dirname(FILE), { recursive: true });
  const all = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as Record<string, unknown>) : {};
  all[scenario] = { status, secondsToDetect: Number(seconds.toFixed(1)), at: new Date().toISOString() };
  writeFileSync(FILE, JSON.stringify(all, null, 2));
}
