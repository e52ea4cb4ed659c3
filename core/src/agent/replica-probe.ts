// Can the agent write where Litestream writes a file replica? Litestream 0.3.13
// writing to a directory that refuses writes (chattr +i, a read-only mount)
// hangs silently and never resumes by itself; the stuck check (stuck.ts) only
// notices after its window. A cheap probe — create and remove a temp file in the
// replica directory and in the live generation's WAL directory — names the cause
// at once, and when it succeeds again Litestream is restarted right away
// instead of at its next backoff.
//
//   probeDue(state: ProbeState, input: { now: Date; everyMs: number; waiting: boolean }): boolean   pure
//   stepProbe(state: ProbeState, input: { now: Date; failure: string | null; waiting: boolean }): ProbeState   pure
//   probeMessage(dir: string, err: NodeJS.ErrnoException): string   pure
//   probeDirectories(dirs: string[]): Promise<string | null>   I/O: null when every existing dir took a file
import { open, unlink } from "node:fs/promises";
import path from "node:path";

export interface ProbeState {
  /** The last probe's failure in words, null when it succeeded (or none ran). */
  failure: string | null;
  lastProbeAt: Date | null;
  /** True for the one step at which a failing probe succeeded again while changes wait: restart Litestream. */
  restartNow: boolean;
}

export const initialProbe: ProbeState = { failure: null, lastProbeAt: null, restartNow: false };

/** Probe at most every `everyMs`, only while changes wait for the replica (pending or stuck) or the last probe failed. */
export function probeDue(state: ProbeState, input: { now: Date; everyMs: number; waiting: boolean }): boolean {
  if (!input.waiting && !state.failure) return false;
  return !state.lastProbeAt || input.now.getTime() - state.lastProbeAt.getTime() >= input.everyMs;
}

export function stepProbe(state: ProbeState, input: { now: Date; failure: string | null; waiting: boolean }): ProbeState {
  return { failure: input.failure, lastProbeAt: input.now, restartNow: state.failure !== null && input.failure === null && input.waiting };
}

const HINTS: Record<string, string> = {
  EPERM: "immutable or read-only?",
  EACCES: "permission denied to the agent's user",
  EROFS: "read-only file system",
  ENOSPC: "disk full",
  EDQUOT: "disk quota exceeded",
};

export function probeMessage(dir: string, err: NodeJS.ErrnoException): string {
  const code = err.code ?? "error";
  return `cannot write to ${dir}: ${code} (${HINTS[code] ?? err.message})`;
}

/** Creates and removes `.borela-probe-<pid>` in each directory that exists; the first failure in words. */
export async function probeDirectories(dirs: string[]): Promise<string | null> {
  for (const dir of dirs) {
    const file = path.join(dir, `.borela-probe-${process.pid}`);
    try {
      const handle = await open(file, "w");
      await handle.close();
      await unlink(file);
    } catch (err) {
      // A directory Litestream has not created yet is not a failure: it creates it on its first write.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      await unlink(file).catch(() => undefined);
      return probeMessage(dir, err as NodeJS.ErrnoException);
    }
  }
  return null;
}
