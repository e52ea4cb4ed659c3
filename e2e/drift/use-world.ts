// One world per test file: started before the first test, closed after the
// last, with every scenario the file started cleaned up before it.
import { afterAll, beforeAll } from "vitest";
import { startScenario, startWorld, type Scenario, type World } from "./world.ts";

export interface DriftWorld extends World {
  /** `startScenario` on this world, cleaned up after the file's last test. */
  scenario(name: string, settings?: Record<string, unknown>, options?: Parameters<typeof startScenario>[3]): Promise<Scenario>;
}

/**
 * Registers the beforeAll and afterAll that start and close a world with `env` (startWorld's), and
 * returns it: its parts are there from the file's first test on; touched earlier, it throws.
 */
export function useWorld(env: Record<string, string> = {}): DriftWorld {
  let started: World | null = null;
  const scenarios: Scenario[] = [];
  beforeAll(async () => {
    started = await startWorld(env);
  });
  afterAll(async () => {
    for (const s of scenarios) await s.cleanup();
    await started?.close();
  });
  const get = (): World => {
    if (!started) throw new Error("the drift world is not started yet (use it inside a test)");
    return started;
  };
  const world: DriftWorld = {
    get core() {
      return get().core;
    },
    get s3() {
      return get().s3;
    },
    get smtp() {
      return get().smtp;
    },
    get dir() {
      return get().dir;
    },
    close: () => get().close(),
    async scenario(name, settings = {}, options = {}) {
      const s = await startScenario(world, name, settings, options);
      scenarios.push(s);
      return s;
    },
  };
  return world;
}
