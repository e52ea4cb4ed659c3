// The file the sidecar image's HEALTHCHECK reads, rewritten after every heartbeat
// attempt: {"ok":true,"at":"<ISO>"} or {"ok":false,"at":"<ISO>","error":"<why>"}.
// Written to a temp file and renamed, so a reader never sees half a file.
// Not ok while heartbeats fail, and not ok while any database reports an error
// (a replica Litestream cannot write to, a file rewritten outside SQLite...).
//
// Once the core has been unreachable longer than the grace (core-watch.ts), the file says so first and
// carries `coreUnreachableSince` (ISO), until a heartbeat goes through.
//
//   agentStatus(at: Date, heartbeatError: string | null, databases: Array<{ name, errors }>, unreachable?: UnreachableMark | null): AgentStatus   pure
//   writeStatusFile(file: string, status: AgentStatus): Promise<void>
import { writeJsonFile } from "../json-file.ts";
import type { UnreachableMark } from "./core-watch.ts";

export interface AgentStatus {
  ok: boolean;
  at: string;
  error?: string;
  /** When the core became unreachable, once that has lasted longer than the grace. */
  coreUnreachableSince?: string;
}

export function agentStatus(at: Date, heartbeatError: string | null, databases: Array<{ name: string; errors: string[] }>, unreachable: UnreachableMark | null = null): AgentStatus {
  const problems = [
    ...(unreachable ? [`core unreachable for ${unreachable.seconds} s, longer than the grace of ${unreachable.graceSeconds} s`] : []),
    ...(heartbeatError ? [heartbeatError] : []),
    ...databases.filter((d) => d.errors.length > 0).map((d) => `${d.name}: ${d.errors[0]}${d.errors.length > 1 ? ` (+${d.errors.length - 1} more)` : ""}`),
  ];
  const iso = at.toISOString();
  if (problems.length === 0) return { ok: true, at: iso };
  const status: AgentStatus = { ok: false, at: iso, error: problems.join("; ").slice(0, 4000) };
  return unreachable ? { ...status, coreUnreachableSince: unreachable.since.toISOString() } : status;
}

export async function writeStatusFile(file: string, status: AgentStatus): Promise<void> {
  await writeJsonFile(file, status);
}
