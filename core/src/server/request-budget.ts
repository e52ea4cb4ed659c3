// A per-key request budget (a token bucket) for routes a valid credential may still call too often,
// such as GET /api/v1/agent/config per agent token: `burst` calls at once, then one more every
// `refillMs`. Held in this core's memory.
//
//   spend(state, nowMs, rule): { state, retryAfterMs }          pure: retryAfterMs 0 when the call may go on
//   new RequestBudget(rule, maxKeys?).take(key, nowMs): number  ms to wait (0: go on)

export interface BudgetRule {
  /** Calls allowed at once. */
  burst: number;
  /** ms for one more call to be allowed again. */
  refillMs: number;
}

/** Calls left (fractional) as of `atMs`. */
export interface BudgetState {
  left: number;
  atMs: number;
}

/** Refills `state` (undefined: a full budget) up to `nowMs`, then spends one call if one is left; else retryAfterMs is how long until one is. */
export function spend(state: BudgetState | undefined, nowMs: number, rule: BudgetRule): { state: BudgetState; retryAfterMs: number } {
  const elapsed = state ? Math.max(0, nowMs - state.atMs) : 0;
  const left = state ? Math.min(rule.burst, state.left + elapsed / rule.refillMs) : rule.burst;
  if (left >= 1) return { state: { left: left - 1, atMs: nowMs }, retryAfterMs: 0 };
  return { state: { left, atMs: nowMs }, retryAfterMs: Math.ceil((1 - left) * rule.refillMs) };
}

export class RequestBudget {
  private readonly states = new Map<string, BudgetState>();

  /** `maxKeys`: past it, the keys whose budget is full again are forgotten, then the least recently used. */
  constructor(
    private readonly rule: BudgetRule,
    private readonly maxKeys = 10_000,
  ) {}

  /** Spends one call of `key` at `nowMs`: 0 when it may go on, else the ms until one is allowed. */
  take(key: string, nowMs: number): number {
    const { state, retryAfterMs } = spend(this.states.get(key), nowMs, this.rule);
    this.states.delete(key);
    this.states.set(key, state);
    if (this.states.size > this.maxKeys) this.prune(nowMs);
    return retryAfterMs;
  }

  private prune(nowMs: number): void {
    for (const [key, s] of this.states) if (s.left + (nowMs - s.atMs) / this.rule.refillMs >= this.rule.burst) this.states.delete(key);
    for (const key of this.states.keys()) {
      if (this.states.size <= this.maxKeys) break;
      this.states.delete(key);
    }
  }
}
