// One temp directory per test file: made before the first test, removed after the last.
import { afterAll, beforeAll } from "vitest";
import { lazy } from "./lazy.ts";
import { tmpDir, type TmpDir } from "./tmp.ts";

/** Registers the beforeAll and afterAll of a tmpDir(prefix); returns it, usable from the first hook on. */
export function useTmpDir(prefix?: string): TmpDir {
  let dir: TmpDir | null = null;
  beforeAll(async () => {
    dir = await tmpDir(prefix);
  });
  afterAll(async () => {
    await dir?.remove();
  });
  return lazy("the temp dir", () => dir);
}
