// One test core per test file: started before the first test, closed after the last.
import { afterAll, beforeAll } from "vitest";
import { startTestCore, type TestCore } from "./core-server.ts";
import { lazy } from "./lazy.ts";

/** Registers the beforeAll and afterAll of a core started with `env` (startTestCore's); returns it, usable from the first hook on. */
export function useTestCore(env: Record<string, string> = {}): TestCore {
  let core: TestCore | null = null;
  beforeAll(async () => {
    core = await startTestCore(env);
  });
  afterAll(async () => {
    await core?.close();
  });
  return lazy("the test core", () => core);
}
