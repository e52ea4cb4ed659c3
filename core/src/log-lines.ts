// pino's JSON lines as a person reads them in a terminal: `npm start` and `borela serve` in a TTY.
// Files and pipes (log collectors, tests) keep the JSON.
import type { Writable } from "node:stream";
import { terminalSafe } from "./terminal-text.ts";

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "v"]);

function value(v: unknown): string {
  if (typeof v !== "string") return JSON.stringify(v);
  return /[\s"=]/.test(v) || v === "" ? JSON.stringify(v) : v;
}

/**
 * One pino line (JSON `{level: number, time: epoch ms, msg, ...fields}`, pino's default format) as
 * `HH:MM:SS LEVEL msg key=value ...` (time in UTC, nested objects as JSON); text that is not such a
 * line comes back unchanged. Either way terminal-safe (terminal-text.ts): JSON.parse turns a logged
 * "\u001b" back into the escape itself, and messages carry what agents report.
 */
export function prettyLogLine(line: string): string {
  return terminalSafe(readable(line));
}

function readable(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (!entry || typeof entry !== "object" || typeof entry.level !== "number") return line;
  const time = typeof entry.time === "number" ? new Date(entry.time).toISOString().slice(11, 19) : "--:--:--";
  const level = (LEVELS[entry.level] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry).filter(([k]) => !HIDDEN.has(k)).map(([k, v]) => `${k}=${value(v)}`);
  return [time, level, typeof entry.msg === "string" ? entry.msg : "", ...fields].filter((p) => p !== "").join(" ");
}

/** A destination for pino that writes each line through prettyLogLine to `out`. */
export function prettyDestination(out: Pick<Writable, "write">): { write(chunk: string): boolean } {
  return {
    write(chunk: string) {
      const lines = chunk.split("\n").filter((l) => l !== "");
      return out.write(lines.map((l) => `${prettyLogLine(l)}\n`).join(""));
    },
  };
}
