// Agent token verdicts and what auth remembers between lookups, for both stores (store/token-memory.ts).
import { describe, expect, it } from "vitest";
import { AUTH_CACHE_MS, LAST_USED_EVERY_MS, REJECTION_EVERY_MS, TokenMemory, tokenVerdict } from "../../src/store/token-memory.ts";

const t = (ms: number) => new Date(Date.UTC(2026, 10, 29) + ms);
const row = { id: "t1", projectId: "p1", revokedAt: null, expiresAt: null, heartbeatGraceSeconds: 90 };

describe("tokenVerdict", () => {
  it("accepts a live token, refuses a revoked or expired one (at its expiry) naming the project, and an unknown one", () => {
    expect(tokenVerdict(row, t(0))).toEqual({ ok: true, agent: { tokenId: "t1", projectId: "p1", heartbeatGraceSeconds: 90 } });
    expect(tokenVerdict(undefined, t(0))).toEqual({ ok: false, reason: "unknown" });
    expect(tokenVerdict({ ...row, revokedAt: t(-1) }, t(0))).toEqual({ ok: false, reason: "revoked", projectId: "p1", tokenId: "t1" });
    // Both stores' forms: storeTime text (SQLite) and Date (PostgreSQL).
    expect(tokenVerdict({ ...row, expiresAt: "2026-11-29T00:00:01.000+00:00" }, t(1000)).ok).toBe(false);
    expect(tokenVerdict({ ...row, expiresAt: t(1000) }, t(999)).ok).toBe(true);
  });
});

describe("TokenMemory", () => {
  it("caches a verdict for AUTH_CACHE_MS and forgets on demand", () => {
    const m = new TokenMemory();
    const ok = tokenVerdict(row, t(0));
    m.settle("h", ok, false, t(0));
    expect(m.cached("h", t(AUTH_CACHE_MS - 1))).toBe(ok);
    expect(m.cached("h", t(AUTH_CACHE_MS))).toBeUndefined();
    m.forget();
    expect(m.cached("h", t(1))).toBeUndefined();
  });

  it("does not cache a verdict whose lookup began before the last forget (it may predate a revocation)", () => {
    const m = new TokenMemory();
    const began = m.epoch;
    m.forget(); // a token revoked while the lookup was in flight
    expect(m.settle("h", tokenVerdict(row, t(0)), false, t(0), began).ok).toBe(true); // answered as read
    expect(m.cached("h", t(1))).toBeUndefined();
    m.settle("h", tokenVerdict(row, t(0)), false, t(0), m.epoch);
    expect(m.cached("h", t(1))?.ok).toBe(true);
  });

  it("has lastUsedAt due once per LAST_USED_EVERY_MS, and again after a failed write", () => {
    const m = new TokenMemory();
    expect(m.touchDue("t1", t(LAST_USED_EVERY_MS + 1))).toBe(true);
    m.touched("t1", t(LAST_USED_EVERY_MS + 1));
    expect(m.touchDue("t1", t(2 * LAST_USED_EVERY_MS + 1))).toBe(false);
    expect(m.touchDue("t1", t(2 * LAST_USED_EVERY_MS + 2))).toBe(true);
    m.untouched("t1");
    expect(m.touchDue("t1", t(LAST_USED_EVERY_MS + 2))).toBe(true);
  });

  it("has a rejected token's rejectedAt due once per REJECTION_EVERY_MS per token, cached verdicts included, and again after a failed write", () => {
    const m = new TokenMemory();
    const revoked = { ok: false, reason: "revoked", projectId: "p1", tokenId: "t1" } as const;
    expect(m.rejectionDue(revoked, t(10))).toBe("t1");
    // A hostile agent hammering the token, once a second: no further write within the interval.
    for (let ms = 1_000; ms <= REJECTION_EVERY_MS; ms += 1_000) expect(m.rejectionDue(revoked, t(10 + ms))).toBeNull();
    expect(m.rejectionDue({ ...revoked, tokenId: "t2", reason: "expired" }, t(11))).toBe("t2");
    expect(m.rejectionDue(revoked, t(11 + REJECTION_EVERY_MS))).toBe("t1");
    m.unrejected("t1");
    expect(m.rejectionDue(revoked, t(12 + REJECTION_EVERY_MS))).toBe("t1");
    expect(m.rejectionDue({ ok: false, reason: "unknown" }, t(100))).toBeNull();
    expect(m.rejectionDue({ ok: true, agent: { tokenId: "t3", projectId: "p1", heartbeatGraceSeconds: 90 } }, t(100))).toBeNull();
  });
});
