// Deleting the demo dir while something still writes into it (an agent or Litestream left running by a
// killed core) fails with ENOTEMPTY or EBUSY: retried a few times, then reported in one line.
import { rmSync, type RmOptions } from "node:fs";

/** The demo files could not all be deleted: the message names the path left and the error code, in one line. */
export class DemoFilesError extends Error {}

const RETRIES = { maxRetries: 5, retryDelay: 200 } as const; // Node retries ENOTEMPTY/EBUSY/EPERM, waiting 200 ms × attempt

/** Removes `dir` and everything in it (a missing dir is fine); throws DemoFilesError naming what stayed. */
export function removeDemoFiles(dir: string, rm: (p: string, o: RmOptions) => void = rmSync): void {
  try {
    rm(dir, { recursive: true, force: true, ...RETRIES });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const what = e.path ?? dir;
    const why = e.code === "ENOTEMPTY" || e.code === "EBUSY" ? "something is still writing there; stop it and run borela demo --reset again" : (e.code ?? e.message);
    throw new DemoFilesError(`could not delete ${what} (${e.code ?? "error"}): ${why}`);
  }
}
