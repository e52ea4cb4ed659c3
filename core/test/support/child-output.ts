// What a spawned helper process (MinIO, an agent) said and when it exited, for tests' error messages and stops.
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
