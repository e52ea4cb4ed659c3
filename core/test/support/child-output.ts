// A spawned helper process in tests and benchmarks (MinIO, an agent, Litestream): what it said, when it
// exited, and stopping it.
import type { ChildProcess } from "node:child_process";

export interface ChildWatch {
  /** stdout and stderr as they arrived, interleaved, up to `max` characters (whole chunks; later ones are dropped). */
  output(): string;
  /** Resolves once the process exited (by itself or a signal). */
  exited: Promise<void>;
}

/** Collects the output of a child spawned with stdio ["ignore", "pipe", "pipe"]. */
export function watchChild(child: ChildProcess, max: number): ChildWatch {
  let output = "";
  const keep = (chunk: Buffer) => {
    if (output.length < max) output += chunk.toString();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { output: () => output, exited: new Promise<void>((resolve) => child.once("exit", () => resolve())) };
}

/** SIGTERM, then SIGKILL after `killAfterMs`; resolves once the child exited (at once when it already had). */
export async function stopChild(child: ChildProcess, killAfterMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  await exited;
  clearTimeout(timer);
}
