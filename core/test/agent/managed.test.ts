import { describe, expect, it } from "vitest";
import { credentialRefreshDelayMs, managedTargets, sameTargets } from "../../src/agent/managed.ts";
import { replicaUrl } from "../../src/litestream/replica-url.ts";

const storage = {
  urlPrefix: "s3://borela/projects/p_123",
  endpoint: "http://127.0.0.1:9000",
  region: "us-east-1",
  forcePathStyle: true,
  accessKeyId: "AKID",
  secretAccessKey: "SECRET",
  sessionToken: null,
  expiresAt: null,
};

describe("managedTargets", () => {
  it("gives every database <urlPrefix>/<name> with the core's endpoint and credentials", () => {
    const targets = managedTargets(["primary", "cache"], storage);
    expect(targets.get("primary")).toMatchObject({ type: "s3", bucket: "borela", path: "projects/p_123/primary", endpoint: "http://127.0.0.1:9000", forcePathStyle: true, credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" } });
    expect(replicaUrl(targets.get("cache")!)).toBe("s3://borela/projects/p_123/cache");
    expect(sameTargets(targets, managedTargets(["primary", "cache"], storage))).toBe(true);
    expect(sameTargets(targets, managedTargets(["primary", "cache"], { ...storage, secretAccessKey: "NEW" }))).toBe(false);
  });
});

describe("credentialRefreshDelayMs", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  it("refreshes a quarter of the remaining life early, at most 5 minutes early", () => {
    expect(credentialRefreshDelayMs(at(3_600_000), now)).toBe(10 * 60_000); // capped by the periodic check
    expect(credentialRefreshDelayMs(at(3_600_000), now, 3_600_000)).toBe(3_600_000 - 5 * 60_000);
    expect(credentialRefreshDelayMs(at(60_000), now)).toBe(45_000);
  });
  it("never waits less than 5 s, and checks periodically without expiry", () => {
    expect(credentialRefreshDelayMs(at(-1000), now)).toBe(5_000);
    expect(credentialRefreshDelayMs(null, now)).toBe(10 * 60_000);
  });
});
