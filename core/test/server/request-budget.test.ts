// The per-key request budget (server/request-budget.ts) without a server: burst, refill, Retry-After.
import { describe, expect, it } from "vitest";
import { RequestBudget, spend } from "../../src/server/request-budget.ts";

const rule = { burst: 3, refillMs: 60_000 };

describe("spend", () => {
  it("allows `burst` calls at once, then says how long until the next", () => {
    let state;
    for (let i = 0; i < 3; i++) {
      const r = spend(state, 1000, rule);
      expect(r.retryAfterMs).toBe(0);
      state = r.state;
    }
    const refused = spend(state, 1000, rule);
    expect(refused.retryAfterMs).toBe(60_000);
    expect(spend(refused.state, 31_000, rule).retryAfterMs).toBe(30_000);
  });
  it("refills one call per refillMs, up to burst", () => {
    const empty = { left: 0, atMs: 0 };
    expect(spend(empty, 59_999, rule).retryAfterMs).toBe(1);
    expect(spend(empty, 60_000, rule)).toEqual({ state: { left: 0, atMs: 60_000 }, retryAfterMs: 0 });
    expect(spend(empty, 10 * 60_000, rule).state.left).toBe(2);
  });
  it("a refused call does not spend", () => {
    const after = spend({ left: 0.5, atMs: 0 }, 0, rule);
    expect(after.retryAfterMs).toBe(30_000);
    expect(after.state.left).toBe(0.5);
  });
});

describe("RequestBudget", () => {
  it("keeps one budget per key", () => {
    const budget = new RequestBudget(rule);
    expect([1, 2, 3, 4].map(() => budget.take("a", 0))).toEqual([0, 0, 0, 60_000]);
    expect(budget.take("b", 0)).toBe(0);
  });
  it("forgets refilled keys first when over maxKeys, and a forgotten key starts full", () => {
    const budget = new RequestBudget(rule, 2);
    for (let i = 0; i < 3; i++) budget.take("busy", 0);
    budget.take("idle", 0);
    budget.take("third", 3 * 60_000); // idle refilled by now: forgotten first, busy kept
    expect(budget.take("busy", 3 * 60_000)).toBe(0);
    expect(budget.take("busy", 3 * 60_000)).toBe(0);
    expect(budget.take("busy", 3 * 60_000)).toBe(0);
    expect(budget.take("busy", 3 * 60_000)).toBeGreaterThan(0);
  });
});
