import pino, { type Logger } from "pino";
import { prettyDestination } from "./log-lines.ts";

/** Paths that may hold secrets anywhere in a logged object. */
export const REDACT = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "token",
  "*.token",
  "agentToken",
  "*.agentToken",
  "secretAccessKey",
  "*.secretAccessKey",
  "password",
  "*.password",
];

/**
 * pino at `level`, secrets redacted (REDACT). Writes JSON lines to `destination`; without one, to
 * stdout — as readable lines (log-lines.ts) when stdout is a terminal, JSON otherwise.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const out = destination ?? (process.stdout.isTTY ? prettyDestination(process.stdout) : process.stdout);
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, out as NodeJS.WritableStream);
}
export type { Logger };

/**
 * The logging a core module needs: pino's `(object, message)` methods. A pino Logger is one; tests pass
 * their own. (The agent has its own line log, agent/log.ts: pino alone would cost 9 MB of its 60 MB.)
 */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
