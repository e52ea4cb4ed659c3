// Polls a condition until it holds, within a time limit; the error says what
// was awaited and what was last seen.
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  what?: string;
}

/** Resolves with fn's first truthy result; rejects after timeoutMs with the last value or error. */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; attempt < 100_000; attempt++) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? "condition"}; last: ${JSON.stringify(last)}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
