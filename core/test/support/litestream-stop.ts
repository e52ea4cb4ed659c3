import { expect } from "vitest";

/**
 * Litestream stopped after its final sync: code 0, or 0.3.13's code 1 when the shutdown's cancelled context
 * interrupts the checkpoint it runs on close ("error closing db … release read lock: context canceled"),
 * after the last WAL segment was written: that is its only error then.
 */
export function expectCleanLitestreamStop(out: string): void {
  if (/litestream stopped code=0/.test(out)) return;
  expect(out).toMatch(/litestream stopped code=1/);
  const errors = out.split("\n").filter((l) => /level=ERROR/.test(l));
  expect(errors.length, out.slice(-3000)).toBeGreaterThan(0);
  for (const line of errors) expect(line).toMatch(/checkpoint: mode=PASSIVE err=release read lock: context canceled/);
}
