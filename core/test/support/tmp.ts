// Private temporary directories for tests, removed by the returned cleanup.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface TmpDir {
  path: string;
  remove(): Promise<void>;
}

export async function tmpDir(prefix = "borela-test-"): Promise<TmpDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
