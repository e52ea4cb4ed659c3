// The `borela` CLI run as a child process, the way a user runs it.
import { execFile } from "node:child_process";
import path from "node:path";

export const BORELA_BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");

export interface CliRun {
  /** The exit code; 99 when the process ended without one (killed, timed out). */
  code: number;
  stdout: string;
  stderr: string;
}

/** process.env without the variables whose names match `drop` (by default every BORELA_ one). */
export function cleanEnv(drop: RegExp = /^BORELA_/): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !drop.test(e[0])));
}

/** Runs `borela <args>` with exactly `env`, in `cwd`; never rejects. `timeoutMs` defaults to 90 s. */
export function runBorela(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BORELA_BIN, ...args], { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, stdout, stderr });
    });
  });
}
