// The agent config budget's decision (server/agent-config-budget.ts) without a server.
import { describe, expect, it } from "vitest";
import { AGENT_CONFIG_BUDGET, agentConfigKey, agentConfigWait } from "../../src/server/agent-config-budget.ts";

describe("agentConfigWait", () => {
  it("lets the window's first `calls` calls go on, then asks to wait until the window ends (at least 1 ms)", () => {
    expect(agentConfigWait({ count: 1, leftMs: AGENT_CONFIG_BUDGET.windowMs })).toBe(0);
    expect(agentConfigWait({ count: AGENT_CONFIG_BUDGET.calls, leftMs: 5 })).toBe(0);
    expect(agentConfigWait({ count: AGENT_CONFIG_BUDGET.calls + 1, leftMs: 61_000 })).toBe(61_000);
    expect(agentConfigWait({ count: 500, leftMs: 0 })).toBe(1);
  });

  it("averages about one call a minute, and keys windows by token", () => {
    expect(AGENT_CONFIG_BUDGET.windowMs / AGENT_CONFIG_BUDGET.calls).toBe(60_000);
    expect(agentConfigKey("tok1")).not.toBe(agentConfigKey("tok2"));
  });
});
