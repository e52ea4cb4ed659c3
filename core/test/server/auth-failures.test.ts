// The pure decisions behind authentication limits and BORELA_TRUST_PROXY, without I/O.
import { describe, expect, it } from "vitest";
import { authOutcome, createAuthFailures } from "../../src/server/failure-limiter.ts";
import { createPasswordGuard, PRESSURE_BLOCK_MS } from "../../src/server/password-guard.ts";
import { memoryWindows } from "../../src/server/auth-state/windows.ts";
import { fastifyTrustProxy } from "../../src/server/trust-proxy.ts";
import { parseTrustProxy } from "../../src/trust-proxy-setting.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("authOutcome", () => {
  it("allows a valid credential however long its address is blocked", () => {
    expect(authOutcome(true, 0)).toBe("allow");
    expect(authOutcome(true, 59_000)).toBe("allow");
  });
  it("throttles an invalid or missing credential only while blocked", () => {
    expect(authOutcome(false, 1)).toBe("throttle");
    expect(authOutcome(false, 0)).toBe("refuse");
  });
});

describe("createAuthFailures", () => {
  it("blocks an address past the limit for the rest of its minute, and no other address", async () => {
    let t = 1_000_000;
    const failures = createAuthFailures(3, memoryWindows(() => t));
    for (let i = 0; i < 3; i++) {
      expect(await failures.blockedFor("10.0.0.1")).toBe(0);
      await failures.fail("10.0.0.1");
    }
    t += 10_000;
    expect(await failures.blockedFor("10.0.0.1")).toBe(50_000);
    expect(await failures.blockedFor("10.0.0.2")).toBe(0);
    t += 50_000;
    expect(await failures.blockedFor("10.0.0.1")).toBe(0);
  });
});

describe("createPasswordGuard", () => {
  function guardAt(clock: () => number) {
    const windows = memoryWindows(clock);
    return createPasswordGuard(createAuthFailures(3, windows), 3, windows);
  }
  async function wrong(guard: ReturnType<typeof createPasswordGuard>, address: string) {
    const turn = await guard.begin(address);
    if (turn.ok) await guard.end(address, false);
    return turn;
  }

  it("wrong passwords from many addresses never hold back a right one from another address", async () => {
    let t = 1_000_000;
    const guard = guardAt(() => t);
    for (let i = 0; i < 100; i++) expect((await wrong(guard, `10.20.${i}.1`)).ok).toBe(true);
    expect(await guard.begin("10.30.0.1")).toEqual({ ok: true });
    await guard.end("10.30.0.1", true);
    t += 1;
    expect(await guard.begin("10.30.0.1")).toEqual({ ok: true });
  });

  it("blocks an address past its own limit, for the rest of its minute", async () => {
    let t = 0;
    const guard = guardAt(() => t);
    for (let i = 0; i < 3; i++) expect((await wrong(guard, "10.0.0.1")).ok).toBe(true);
    t += 10_000;
    expect(await guard.begin("10.0.0.1")).toEqual({ ok: false, reason: "blocked", retryAfterMs: 50_000 });
    t += 50_000;
    expect((await guard.begin("10.0.0.1")).ok).toBe(true);
  });

  it("under global pressure a wrong password costs its address a whole minute: one guess per address", async () => {
    let t = 0;
    const guard = guardAt(() => t);
    // Below 4 x 3 wrong passwords a minute from everywhere, one wrong guess leaves its address free.
    for (let i = 0; i < 11; i++) expect((await wrong(guard, `10.1.${i}.1`)).ok).toBe(true);
    expect((await guard.begin("10.1.0.1")).ok).toBe(true);
    await guard.end("10.1.0.1", true);
    // The twelfth reaches the pressure mark: from now on each wrong guess blocks its own address.
    expect((await wrong(guard, "10.2.0.1")).ok).toBe(true);
    expect(await guard.begin("10.2.0.1")).toEqual({ ok: false, reason: "blocked", retryAfterMs: PRESSURE_BLOCK_MS });
    expect((await wrong(guard, "10.2.1.1")).ok).toBe(true);
    expect((await guard.begin("10.2.1.1")).ok).toBe(false);
    // A fresh address is still compared, and its right password still gets in.
    expect((await guard.begin("10.3.0.1")).ok).toBe(true);
    await guard.end("10.3.0.1", true);
    t += PRESSURE_BLOCK_MS;
    expect((await guard.begin("10.2.0.1")).ok).toBe(true);
  });

  it("compares one password at a time per address, so concurrent guesses cannot slip past the count", async () => {
    const guard = guardAt(() => 0);
    expect((await guard.begin("10.0.0.1")).ok).toBe(true);
    expect(await guard.begin("10.0.0.1")).toEqual({ ok: false, reason: "busy", retryAfterMs: 1000 });
    expect((await guard.begin("10.0.0.2")).ok).toBe(true);
    await guard.end("10.0.0.1", false);
    expect((await guard.begin("10.0.0.1")).ok).toBe(true);
  });

  it("two requests from one address arriving together: one is compared, the other is busy, even while the first awaits its count", async () => {
    const guard = guardAt(() => 0);
    const [first, second] = await Promise.all([guard.begin("10.0.0.1"), guard.begin("10.0.0.1")]);
    expect([first.ok, second.ok]).toEqual([true, false]);
    // The turn ends only once the wrong password is counted: a guess that begins meanwhile is busy.
    const ending = guard.end("10.0.0.1", false);
    expect((await guard.begin("10.0.0.1")).ok).toBe(false);
    await ending;
    expect((await guard.begin("10.0.0.1")).ok).toBe(true);
  });
});

describe("BORELA_TRUST_PROXY", () => {
  it("is off by default", () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy("")).toBe(false);
    expect(parseTrustProxy("false")).toBe(false);
    expect(loadConfig({}).trustProxy).toBe(false);
  });
  it("takes a hop count or a list of addresses and CIDR ranges", () => {
    expect(parseTrustProxy("1")).toBe(1);
    expect(parseTrustProxy("127.0.0.1")).toEqual(["127.0.0.1"]);
    expect(parseTrustProxy(" 10.0.0.0/8, fd00::/8 ,loopback")).toEqual(["10.0.0.0/8", "fd00::/8", "loopback"]);
  });
  it("refuses true, zero, and anything that is not an address, naming the variable", () => {
    expect(() => parseTrustProxy("true")).toThrow(/BORELA_TRUST_PROXY=true would let any client choose its address/);
    expect(() => parseTrustProxy("0")).toThrow(/BORELA_TRUST_PROXY=0: a hop count must be between 1 and 16/);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow(/BORELA_TRUST_PROXY: "10.0.0.0\/33" is neither/);
    expect(() => parseTrustProxy("proxy.local")).toThrow(/"proxy.local"/);
    expect(() => parseTrustProxy(",")).toThrow(/BORELA_TRUST_PROXY/);
    expect(() => loadConfig({ BORELA_TRUST_PROXY: "yes" })).toThrow(ConfigError);
  });
  it("a hop count trusts exactly that many nearest hops", () => {
    const trust = fastifyTrustProxy(2) as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => trust("10.0.0.1", hop))).toEqual([true, true, false]);
    expect(fastifyTrustProxy(["10.0.0.0/8"])).toEqual(["10.0.0.0/8"]);
    expect(fastifyTrustProxy(false)).toBe(false);
  });
});
