import { describe, expect, it } from "vitest";
import { agentStatus } from "../../src/agent/status-file.ts";

const at = new Date("2026-01-01T00:00:00Z");

describe("agentStatus", () => {
  it("is ok when heartbeats go out and no database is in error", () => {
    expect(agentStatus(at, null, [{ name: "app", errors: [] }])).toEqual({ ok: true, at: "2026-01-01T00:00:00.000Z" });
  });
  it("is not ok while a database reports an error, naming it, even when heartbeats go out", () => {
    expect(agentStatus(at, null, [{ name: "app", errors: ["stuck", "other"] }, { name: "b", errors: [] }])).toEqual({ ok: false, at: "2026-01-01T00:00:00.000Z", error: "app: stuck (+1 more)" });
  });
  it("is not ok when heartbeats fail", () => {
    expect(agentStatus(at, "core unreachable", [])).toMatchObject({ ok: false, error: "core unreachable" });
  });
});
