// What every shared failure-window backend must do, run against two instances on one backend (as two core
// processes hold them): counts add up across both, a block set through one is seen by the other, windows
// end on time, and the password guard's pressure and cooling are shared.
import { expect } from "vitest";
import { createAuthFailures } from "../../../src/server/failure-limiter.ts";
import { createPasswordGuard, PRESSURE_FACTOR } from "../../../src/server/password-guard.ts";
import type { FailureWindows } from "../../../src/server/auth-state/windows.ts";
import { sleep } from "../../support/wait-for.ts";

export async function sharedWindowsContract(a: FailureWindows, b: FailureWindows): Promise<void> {
  // Counts add up across both; the first add opens the window, later ones keep its end.
  expect(await a.add("k1", 60_000)).toMatchObject({ count: 1 });
  const second = await b.add("k1", 60_000);
  expect(second.count).toBe(2);
  expect(second.leftMs).toBeGreaterThan(55_000);
  expect(second.leftMs).toBeLessThanOrEqual(60_000);
  expect((await a.get("k1"))?.count).toBe(2);
  expect(await b.get("never-failed")).toBeNull();

  // Failed logins: three at A and two at B block the address at both (limit 5), and no other address.
  const atA = createAuthFailures(5, a);
  const atB = createAuthFailures(5, b);
  for (let i = 0; i < 3; i++) await atA.fail("10.9.0.1");
  for (let i = 0; i < 2; i++) await atB.fail("10.9.0.1");
  const blocked = await atB.blockedFor("10.9.0.1");
  expect(blocked).toBeGreaterThan(55_000);
  expect(blocked).toBeLessThanOrEqual(60_000);
  expect(await atA.blockedFor("10.9.0.1")).toBeGreaterThan(55_000);
  expect(await atA.blockedFor("10.9.0.2")).toBe(0);

  // Windows end on time: a 400 ms window is gone after it, and the next failure opens a new one at 1.
  await a.add("short", 400);
  await b.add("short", 400);
  expect((await b.get("short"))?.count).toBe(2);
  await sleep(600);
  expect(await a.get("short")).toBeNull();
  expect(await b.add("short", 400)).toMatchObject({ count: 1 });

  // The password guard: pressure counted at both cores cools an address at the other.
  const perMinute = 2;
  const guardA = createPasswordGuard(createAuthFailures(perMinute, a), perMinute, a);
  const guardB = createPasswordGuard(createAuthFailures(perMinute, b), perMinute, b);
  const mark = PRESSURE_FACTOR * perMinute;
  for (let i = 0; i < mark - 1; i++) {
    const guard = i % 2 ? guardB : guardA;
    const address = `10.7.${i}.1`;
    expect((await guard.begin(address)).ok).toBe(true);
    await guard.end(address, false);
  }
  // Below the mark, one wrong guess leaves its address free at the other core.
  expect((await guardB.begin("10.7.0.1")).ok).toBe(true);
  await guardB.end("10.7.0.1", true);
  // The mark is reached at A: that address is cooling at B too, for a minute; a right password elsewhere gets in.
  expect((await guardA.begin("10.8.0.1")).ok).toBe(true);
  await guardA.end("10.8.0.1", false);
  const turn = await guardB.begin("10.8.0.1");
  expect(turn).toMatchObject({ ok: false, reason: "blocked" });
  expect(!turn.ok && turn.retryAfterMs).toBeGreaterThan(55_000);
  expect((await guardB.begin("10.8.1.1")).ok).toBe(true);
  await guardB.end("10.8.1.1", true);
}
