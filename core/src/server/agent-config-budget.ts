// GET /api/v1/agent/config's budget per agent token, counted in the windows every core shares (auth-state/:
// Redis with BORELA_REDIS_URL, else the PostgreSQL store's AuthWindow table, else memory for a SQLite store's
// one core), so cores behind one address allow one token one budget between them, not one each. An agent
// calls at start and every 10 minutes or before its credentials expire: about 2 calls a window.
import type { Window } from "./auth-state/windows.ts";

/** `calls` per agent token in a window of `windowMs` opened by its first call: on average one a minute. */
export const AGENT_CONFIG_BUDGET = { calls: 20, windowMs: 20 * 60_000 } as const;

/** The window key of a token's calls (token ids are short: within auth-state's 100-character keys). */
export function agentConfigKey(tokenId: string): string {
  return `agent-config:${tokenId}`;
}

/** ms until the token may call again (0: this call may go on), from its window once this call was counted. Pure. */
export function agentConfigWait(window: Window, rule: { calls: number } = AGENT_CONFIG_BUDGET): number {
  return window.count <= rule.calls ? 0 : Math.max(1, window.leftMs);
}
