// The scoped-credential cache's decisions (storage/credential-cache.ts), without STS: what is reused,
// for how long, under which key, and that calls under way are shared and failures forgotten.
import { describe, expect, it } from "vitest";
import { credentialCacheKey, REUSE_MARGIN_MS, reusable, ScopedCredentialCache } from "../../src/storage/credential-cache.ts";
import type { ReplicaCredentials } from "../../src/storage/scoped-credentials.ts";
import type { S3Settings } from "../../src/config.ts";

const HOUR = 3_600_000;
const creds = (n: number, expiresAt: number | null): ReplicaCredentials => ({
  accessKeyId: `ASIA${n}`,
  secretAccessKey: `s${n}`,
  sessionToken: `t${n}`,
  expiresAt: expiresAt === null ? null : new Date(expiresAt),
});
const s3: S3Settings = { bucket: "b", endpoint: "http://127.0.0.1:9", region: "us-east-1", accessKeyId: "OP", secretAccessKey: "op-secret", forcePathStyle: true, roleArn: "arn:role/x" };

describe("reusable", () => {
  it("holds until the margin before expiry, never for credentials without one", () => {
    expect(reusable(creds(1, HOUR), 0)).toBe(true);
    expect(reusable(creds(1, HOUR), HOUR - REUSE_MARGIN_MS - 1)).toBe(true);
    expect(reusable(creds(1, HOUR), HOUR - REUSE_MARGIN_MS)).toBe(false);
    expect(reusable(creds(1, HOUR), HOUR + 1)).toBe(false);
    expect(reusable(creds(1, null), 0)).toBe(false);
  });
});

describe("credentialCacheKey", () => {
  it("differs by project, token, prefix, role, bucket and endpoint", () => {
    const base = credentialCacheKey("p", "t", s3, "pre");
    const others = [
      credentialCacheKey("p2", "t", s3, "pre"),
      credentialCacheKey("p", "t2", s3, "pre"),
      credentialCacheKey("p", "t", s3, "pre2"),
      credentialCacheKey("p", "t", { ...s3, roleArn: "arn:role/y" }, "pre"),
      credentialCacheKey("p", "t", { ...s3, bucket: "c" }, "pre"),
      credentialCacheKey("p", "t", { ...s3, endpoint: null }, "pre"),
    ];
    expect(new Set([base, ...others]).size).toBe(7);
    expect(credentialCacheKey("p", "t", { ...s3, secretAccessKey: "changed" }, "pre")).toBe(base);
    expect(base).not.toContain("op-secret");
  });
});

describe("ScopedCredentialCache", () => {
  it("reuses an answer until the margin, then assumes again", async () => {
    const cache = new ScopedCredentialCache();
    let calls = 0;
    const assume = async () => creds(++calls, HOUR);
    expect((await cache.get("k", 0, assume)).accessKeyId).toBe("ASIA1");
    expect((await cache.get("k", HOUR - REUSE_MARGIN_MS - 1, assume)).accessKeyId).toBe("ASIA1");
    expect((await cache.get("k", HOUR - REUSE_MARGIN_MS, assume)).accessKeyId).toBe("ASIA2");
    expect((await cache.get("other", 0, assume)).accessKeyId).toBe("ASIA3");
    expect(calls).toBe(3);
  });
  it("shares one call under way among concurrent gets", async () => {
    const cache = new ScopedCredentialCache();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const assume = async () => {
      calls++;
      await gate;
      return creds(calls, HOUR);
    };
    const all = Promise.all(Array.from({ length: 50 }, () => cache.get("k", 0, assume)));
    release();
    expect(new Set((await all).map((c) => c.accessKeyId))).toEqual(new Set(["ASIA1"]));
    expect(calls).toBe(1);
  });
  it("does not remember a failure", async () => {
    const cache = new ScopedCredentialCache();
    await expect(cache.get("k", 0, async () => Promise.reject(new Error("AccessDenied")))).rejects.toThrow("AccessDenied");
    expect(cache.size).toBe(0);
    expect((await cache.get("k", 0, async () => creds(7, HOUR))).accessKeyId).toBe("ASIA7");
  });
  it("holds at most maxEntries, dropping expired answers, then the earliest stored", async () => {
    const cache = new ScopedCredentialCache(2);
    await cache.get("old", 0, async () => creds(1, 1000));
    await cache.get("a", 0, async () => creds(2, HOUR));
    await cache.get("b", 2000, async () => creds(3, HOUR));
    expect(cache.size).toBe(2);
    expect((await cache.get("a", 2000, async () => creds(9, HOUR))).accessKeyId).toBe("ASIA2");
    await cache.get("c", 2000, async () => creds(4, HOUR));
    expect(cache.size).toBe(2);
    expect((await cache.get("b", 2000, async () => creds(10, HOUR))).accessKeyId).toBe("ASIA3");
    expect((await cache.get("a", 2000, async () => creds(11, HOUR))).accessKeyId).toBe("ASIA11");
  });
});
