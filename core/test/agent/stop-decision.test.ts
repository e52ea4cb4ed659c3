import { describe, expect, it } from "vitest";
import { stopDecision } from "../../src/commands/agent.ts";

describe("stopDecision", () => {
  it("stops on the first signal, waits on the same request by another route, forces on a repeat", () => {
    expect(stopDecision(new Set(), "SIGTERM")).toBe("stop");
    // Ctrl-C reaches the whole process group, then `borela serve --demo` sends SIGTERM: one request, not two.
    expect(stopDecision(new Set(["SIGINT"]), "SIGTERM")).toBe("wait");
    expect(stopDecision(new Set(["SIGTERM"]), "SIGINT")).toBe("wait");
    // Ctrl-C pressed twice.
    expect(stopDecision(new Set(["SIGINT"]), "SIGINT")).toBe("force");
    expect(stopDecision(new Set(["SIGINT", "SIGTERM"]), "SIGTERM")).toBe("force");
  });
});
