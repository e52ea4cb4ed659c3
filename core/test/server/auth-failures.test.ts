// The pure decisions behind authentication limits and BORELA_TRUST_PROXY, without I/O.
import { describe, expect, it } from "vitest";
import { authOutcome, createAuthFailures, mayCheckPassword } from "../../src/server/failure-limiter.ts";
import { fastifyTrustProxy, parseTrustProxy } from "../../src/server/trust-proxy.ts";
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
  it("compares a password only while nothing is blocked", () => {
    expect(mayCheckPassword(0)).toBe(true);
    expect(mayCheckPassword(1)).toBe(false);
  });
});

describe("createAuthFailures", () => {
  it("blocks an address past the limit for the rest of its minute, and no other address", () => {
    let t = 1_000_000;
    const failures = createAuthFailures(3, () => t);
    for (let i = 0; i < 3; i++) {
      expect(failures.blockedFor("10.0.0.1")).toBe(0);
      failures.fail("10.0.0.1");
    }
    t += 10_000;
    expect(failures.blockedFor("10.0.0.1")).toBe(50_000);
    expect(failures.blockedFor("10.0.0.2")).toBe(0);
    t += 50_000;
    expect(failures.blockedFor("10.0.0.1")).toBe(0);
  });

  it("counts a credential across addresses: many addresses guessing the password block the password", () => {
    const t = 5_000;
    const failures = createAuthFailures(3, () => t);
    for (let i = 0; i < 3; i++) failures.fail(`10.0.0.${i}`, "password");
    expect(failures.blockedFor("10.0.0.9", "password")).toBe(60_000);
    expect(failures.blockedFor("10.0.0.9")).toBe(0);
  });

  it("a flood of addresses does not reset the password's count", () => {
    const failures = createAuthFailures(3, () => 0);
    for (let i = 0; i < 3; i++) failures.fail("10.0.0.1", "password");
    for (let i = 0; i < 10_001; i++) failures.fail(`addr-${i}`);
    expect(failures.blockedFor("10.9.9.9", "password")).toBeGreaterThan(0);
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
