// The agent's log: one line per event on stderr, `time level message key=value`,
// every line passed through redactSecrets with the secrets the agent holds.
// (No pino here: it alone would cost ~9 MB of the agent's 60 MB.)
//
//   createAgentLog(options: { level, write?, secrets?: () => Array<string | null | undefined> }): AgentLog
import { redactSecrets } from "./redact.ts";

export type Level = "debug" | "info" | "warn" | "error";
export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface AgentLog {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function format(value: string | number | boolean | null): string {
  const s = String(value);
  return /[\s"=]/.test(s) || s === "" ? JSON.stringify(s) : s;
}

export function createAgentLog(options: { level: Level; write?: (line: string) => void; secrets?: () => Array<string | null | undefined> }): AgentLog {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const min = ORDER[options.level];
  const emit = (level: Level, msg: string, fields: Fields = {}) => {
    if (ORDER[level] < min) return;
    const extra = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${format(v as string | number | boolean | null)}`)
      .join(" ");
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ` ${extra}` : ""}`;
    write(`${redactSecrets(line, options.secrets?.() ?? [])}\n`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}
