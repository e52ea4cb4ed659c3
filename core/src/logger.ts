import pino, { type Logger } from "pino";

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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, destination ?? process.stdout);
}
export type { Logger };
