// One harness per test file (or describe block), with the agents its tests
// start: all stopped, then the harness closed, after the last test.
import { afterAll, beforeAll } from "vitest";
import { lazy } from "../support/lazy.ts";
import { runAgent, startHarness, type AgentRun, type Harness, type TestAgent } from "./harness.ts";

export interface HarnessFixture extends Harness {
  /** `runAgent`, the agent stopped after the last test (a failing stop is ignored: it may be stopped already). */
  runAgent(run: AgentRun): Promise<TestAgent>;
}

/**
 * Registers the beforeAll and afterAll of startHarness(env); returns the harness, usable from the first test on.
 * `env` may be a function, called in the beforeAll (for values other hooks start).
 */
export function useHarness(env: Record<string, string> | (() => Record<string, string>) = {}): HarnessFixture {
  let h: Harness | null = null;
  const agents: TestAgent[] = [];
  beforeAll(async () => {
    h = await startHarness(typeof env === "function" ? env() : env);
  });
  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => undefined);
    await h?.close();
  });
  const harness = lazy("the harness", () => h);
  return {
    get core() {
      return harness.core;
    },
    get dir() {
      return harness.dir;
    },
    close: () => harness.close(),
    async runAgent(run) {
      const agent = await runAgent(run);
      agents.push(agent);
      return agent;
    },
  };
}
