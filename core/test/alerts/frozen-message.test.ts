// The stored message of a delivery (frozen-message.ts): read back with its dates, the identity a message
// composed anew gets, and which failures may have reached the receiver (then the same body goes again).
import { describe, expect, it } from "vitest";
import { coveredByText, freezeMessage, identityKey, isFrozen, mayHaveArrived, readMessage, samePlan } from "../../src/alerts/frozen-message.ts";
import type { AlertContext } from "../../src/alerts/alert-context.ts";

const at = new Date("2026-11-30T08:00:00.123Z");
const context: AlertContext = {
  event: "opened",
  incidentId: "inc1",
  project: { id: "p1", name: "shop" },
  database: null,
  kind: "silent",
  reason: "no heartbeat for 49s",
  startedAt: new Date(at.getTime() - 49_000),
  openedAt: at,
  resolvedAt: null,
  lastBackupAt: null,
  lastPassingDrillAt: new Date("2026-11-29T00:00:00Z"),
  restoreCommands: ["litestream restore -o shop.db file:///r"],
  dashboardUrl: "https://borela.example.com/projects/p1",
  now: at,
  items: [{ event: "missed", project: { id: "p1", name: "shop" }, database: "a", kind: "error", reason: "x", startedAt: at, openedAt: at, resolvedAt: at, lastBackupAt: null, lastPassingDrillAt: null, restoreCommands: [], dashboardUrl: "", now: at }],
};

describe("frozen messages", () => {
  it("read back as written, dates as Dates (nested items too)", () => {
    const back = readMessage(freezeMessage({ mode: "missed", context, cover: ["d2", "d3"], identity: "k" }));
    expect(isFrozen(back)).toBe(true);
    expect(back).toEqual({ mode: "missed", context, cover: ["d2", "d3"], identity: "k" });
    expect(readMessage(coveredByText("d1"))).toEqual({ coveredBy: "d1" });
    for (const text of [null, "", "[]", "not json", '{"mode":"other","context":{},"cover":[],"identity":"k"}', '{"mode":"one","context":{},"cover":[]}']) expect(readMessage(text)).toBeNull();
  });

  it("a message composed anew after a failed attempt gets an identity of its own", () => {
    expect(identityKey("inc1:ch1:opened:0", 1)).toBe("inc1:ch1:opened:0");
    expect(identityKey("inc1:ch1:opened:0", 3)).toBe("inc1:ch1:opened:0#3");
  });

  it("a refused message is composed anew only when it would say something else", () => {
    const m = { mode: "group" as const, context, cover: ["d2", "d3"], identity: "k" };
    expect(samePlan(m, "group", ["d3", "d2"])).toBe(true);
    expect(samePlan(m, "group", ["d2"])).toBe(false);
    expect(samePlan(m, "group", ["d2", "d3", "d4"])).toBe(false);
    expect(samePlan(m, "missed", ["d2", "d3"])).toBe(false);
  });

  it("only a receiver's own refusal lets the next attempt compose anew", () => {
    expect(mayHaveArrived("POST to 127.0.0.1:9 failed: no answer within 10000 ms")).toBe(true);
    expect(mayHaveArrived("POST to 127.0.0.1:9 failed: socket hang up")).toBe(true);
    expect(mayHaveArrived("SMTP 127.0.0.1:2525 failed: Greeting never received")).toBe(true);
    expect(mayHaveArrived("POST to 127.0.0.1:9 answered HTTP 503: busy")).toBe(false);
    expect(mayHaveArrived("POST to 127.0.0.1:9 failed: connect ECONNREFUSED 127.0.0.1:9")).toBe(false);
    expect(mayHaveArrived("SMTP server 127.0.0.1 rejected every recipient: a@b")).toBe(false);
  });
});
