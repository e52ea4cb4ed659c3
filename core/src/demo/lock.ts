// The running demo's lock file: `borela serve --demo` writes `<data dir>/demo/running.json`
// while it runs and removes it on a clean stop, so `borela demo --reset` can refuse to delete
// the files of a live demo (which would leave its agent and Litestream writing into nothing).
// A lock left by a process that is gone (kill -9, crash) does not block.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What the lock file holds: the serving process's pid and the core's URL (`http://host:port`). */
export interface DemoLock {
  pid: number;
  serverUrl: string;
}

/** `<demo dir>/running.json`. */
function demoLockFile(demoDir: string): string {
  return path.join(demoDir, "running.json");
}

/**
 * Parses the lock file's text (JSON `{pid, serverUrl}`, written by writeDemoLock).
 * Returns null for anything else: a torn or foreign file must not block a reset forever.
 */
export function parseDemoLock(text: string): DemoLock | null {
  try {
    const v = JSON.parse(text) as Partial<DemoLock>;
    if (typeof v.pid !== "number" || !Number.isInteger(v.pid) || v.pid <= 0 || typeof v.serverUrl !== "string") return null;
    return { pid: v.pid, serverUrl: v.serverUrl };
  } catch {
    return null;
  }
}

/** The one-line refusal naming what runs: "the demo is running (pid N, port P): stop it first". */
export function runningDemoMessage(lock: DemoLock): string {
  let port = "";
  try {
    const url = new URL(lock.serverUrl);
    port = url.port || (url.protocol === "https:" ? "443" : "80");
  } catch {
    port = "unknown";
  }
  return `the demo is running (pid ${lock.pid}, port ${port}): stop it first (Ctrl-C in its terminal, or kill ${lock.pid})`;
}

/** True while a process with this pid exists (signal 0; EPERM means it exists but is someone else's). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live demo's lock, or null when none is written or its process is gone. */
export function readRunningDemo(demoDir: string, alive: (pid: number) => boolean = processAlive): DemoLock | null {
  let text: string;
  try {
    text = readFileSync(demoLockFile(demoDir), "utf8");
  } catch {
    return null;
  }
  const lock = parseDemoLock(text);
  return lock && alive(lock.pid) ? lock : null;
}

/** Thrown by resetDemo while a demo runs; its message is runningDemoMessage's line. */
export class DemoRunningError extends Error {
  constructor(readonly lock: DemoLock) {
    super(runningDemoMessage(lock));
  }
}

export function writeDemoLock(demoDir: string, serverUrl: string): void {
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  writeFileSync(demoLockFile(demoDir), JSON.stringify({ pid: process.pid, serverUrl } satisfies DemoLock), { mode: 0o600 });
}

/** Removes the lock if it is this process's own (a second demo's lock is left alone). */
export function removeDemoLock(demoDir: string): void {
  let text: string;
  try {
    text = readFileSync(demoLockFile(demoDir), "utf8");
  } catch {
    return;
  }
  if (parseDemoLock(text)?.pid === process.pid) rmSync(demoLockFile(demoDir), { force: true });
}
