// The file the sidecar image's HEALTHCHECK reads, rewritten after every heartbeat
// attempt: {"ok":true,"at":"<ISO>"} or {"ok":false,"at":"<ISO>","error":"<why>"}.
// Written to a temp file and renamed, so a reader never sees half a file.
//
//   writeStatusFile(file: string, status: AgentStatus): Promise<void>
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export interface AgentStatus {
  ok: boolean;
  at: string;
  error?: string;
}

export async function writeStatusFile(file: string, status: AgentStatus): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(status)}\n`, { mode: 0o644 });
  await rename(tmp, file);
}
