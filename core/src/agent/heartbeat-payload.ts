// The heartbeat the agent sends, built from what it knows: pure functions,
// no I/O (the database reports themselves come from DatabaseWatch.report).
//
//   databaseInputs(input: DatabaseInputs): { logErrors: Map<replica name, message>, errors: string[], notes: string[] }   pure
//     what Litestream's log, its health and the agent add to one database's report
//   logErrorWindowMs(intervalMs): number   pure; how long an error of no operation stays reported (ms)
//   filesReplaced(problems: Array<{ path, problem }>, now): Array<{ path, message, at }>   pure
//   heartbeatPayload(input: PayloadInput): HeartbeatPayload   pure; protocol.ts's schema, errors redacted and clipped
import type { DatabaseReport, HeartbeatPayload } from "../protocol.ts";
import { replicaKey } from "./log-errors.ts";
import { NO_STORAGE_ERROR } from "./managed.ts";
import { redactSecrets } from "./redact.ts";
import type { AgentMode } from "./settings.ts";

/** Errors and notes of currentErrors (log-errors.ts): by replica key, by database path ("" for no database). */
export interface CurrentErrors {
  replicas: Map<string, string>;
  databases: Map<string, string[]>;
  notes: Map<string, string[]>;
}

/** A database file found replaced, for a note (for an hour) once Litestream was restarted on the new file. */
export interface Replaced {
  message: string;
  at: Date;
}

export interface DatabaseInputs {
  path: string;
  replicaNames: string[];
  /** The core hands out this database's replica (no replica in the agent's settings). */
  managed: boolean;
  /** The core has no managed storage to hand out. */
  managedStorageMissing: boolean;
  current: CurrentErrors;
  litestream: { errors: string[]; notes: string[] };
  replaced: Replaced | undefined;
  now: Date;
}

const REPLACED_NOTE_MS = 3_600_000;

export function databaseInputs(input: DatabaseInputs): { logErrors: Map<string, string>; errors: string[]; notes: string[] } {
  const { current, path } = input;
  const logErrors = new Map<string, string>();
  for (const name of input.replicaNames) {
    const message = current.replicas.get(replicaKey(path, name));
    if (message) logErrors.set(name, message);
  }
  const errors = [...input.litestream.errors, ...(current.databases.get(path) ?? []), ...(current.databases.get("") ?? [])];
  if (input.managed && input.managedStorageMissing) errors.push(NO_STORAGE_ERROR);
  const notes = [...input.litestream.notes, ...(current.notes.get(path) ?? [])];
  const seen = input.replaced;
  if (seen && input.now.getTime() - seen.at.getTime() < REPLACED_NOTE_MS) {
    notes.push(`${seen.message} (seen ${seen.at.toISOString()}; Litestream restarted on the new file)`);
  }
  return { logErrors, errors, notes };
}

export function logErrorWindowMs(intervalMs: number): number {
  return Math.max(60_000, 3 * intervalMs);
}

/** The databases whose file was replaced (identity problem "…was replaced…"): this heartbeat carries the error, then Litestream restarts. */
export function filesReplaced(problems: Array<{ path: string; problem: string | null }>, now: Date): Array<{ path: string } & Replaced> {
  return problems.flatMap((p) => (p.problem?.includes("was replaced") ? [{ path: p.path, message: p.problem, at: now }] : []));
}

export interface PayloadInput {
  agentVersion: string;
  litestreamVersion: string | null;
  now: Date;
  sequence: number;
  agentId: string;
  hostname: string;
  mode: AgentMode;
  databases: DatabaseReport[];
  /** Errors of the agent itself (no Litestream binary, no replica settings from the core). */
  agentErrors: string[];
  secrets: string[];
}

export function heartbeatPayload(input: PayloadInput): HeartbeatPayload {
  return {
    agentVersion: input.agentVersion,
    litestreamVersion: input.litestreamVersion,
    sentAt: input.now.toISOString(),
    sequence: input.sequence,
    agentId: input.agentId,
    hostname: input.hostname.slice(0, 255),
    mode: input.mode,
    databases: input.databases,
    errors: input.agentErrors.slice(0, 50).map((e) => redactSecrets(e, input.secrets).slice(0, 1900)),
  };
}
