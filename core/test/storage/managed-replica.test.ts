// The one builder of managed replicas' prefix and URLs (storage/managed-replica.ts).
import { describe, expect, it } from "vitest";
import { inManagedPrefix, managedPrefix, managedReplicaUrl, managedUrlPrefix } from "../../src/storage/managed-replica.ts";
import { parseReplicaUrl } from "../../src/litestream/replica-url.ts";
import { prefixPolicy } from "../../src/storage/prefix-policy.ts";
import { managedTargets } from "../../src/agent/managed.ts";

const s3 = { bucket: "borela-managed" };
const id = "01jabcdefghjkmnpqrstvwxyz0";

describe("managedPrefix", () => {
  it("is the name as [a-z0-9-] runs, then the last 8 characters of the id", () => {
    expect(managedPrefix({ name: "Shop API", id })).toBe("shop-api-stvwxyz0");
    expect(managedPrefix({ name: "--Été__2024!!", id })).toBe("t-2024-stvwxyz0");
    expect(managedPrefix({ name: "demo", id })).toBe("demo-stvwxyz0");
  });

  it("falls back to 'project' when the name has no [a-z0-9] character", () => {
    expect(managedPrefix({ name: "日本語", id })).toBe("project-stvwxyz0");
    expect(managedPrefix({ name: "***", id })).toBe("project-stvwxyz0");
  });

  it("is always a prefix the session policy accepts (no wildcard or variable can reach the policy)", () => {
    for (const name of ["a*b", "${aws:username}", "x?y", "UPPER", "ü", "a/b/../c", " "]) {
      expect(() => prefixPolicy("borela-managed", managedPrefix({ name, id }))).not.toThrow();
    }
  });
});

describe("managed URLs", () => {
  it("builds the URL prefix an agent receives and the replica URL of one database under it", () => {
    expect(managedUrlPrefix(s3, "shop-stvwxyz0")).toBe("s3://borela-managed/shop-stvwxyz0");
    expect(managedReplicaUrl(s3, "shop-stvwxyz0", "primary")).toBe("s3://borela-managed/shop-stvwxyz0/primary");
    expect(managedReplicaUrl(s3, "shop-stvwxyz0", "queue db")).toBe("s3://borela-managed/shop-stvwxyz0/queue%20db");
  });

  it("a database's replica URL lies in the project's managed prefix, and not in another's", () => {
    const target = parseReplicaUrl(managedReplicaUrl(s3, "shop-stvwxyz0", "primary"));
    if (target.type !== "s3") throw new Error("expected s3");
    expect(inManagedPrefix(s3, "shop-stvwxyz0", target)).toBe(true);
    expect(inManagedPrefix(s3, "shop", target)).toBe(false);
  });
});

describe("the agent's side", () => {
  it("an agent given managedUrlPrefix replicates each database to the core's managedReplicaUrl", () => {
    const storage = {
      urlPrefix: managedUrlPrefix(s3, "shop-stvwxyz0"),
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      forcePathStyle: true,
      accessKeyId: "SCOPED",
      secretAccessKey: "scoped-secret",
      sessionToken: null,
      expiresAt: null,
    };
    const targets = managedTargets(["primary", "queue db"], storage);
    for (const name of ["primary", "queue db"]) expect(targets.get(name)?.url).toBe(managedReplicaUrl(s3, "shop-stvwxyz0", name));
  });
});

describe("inManagedPrefix", () => {
  it("accepts the prefix itself and below, refuses siblings that only start alike, other buckets, and no managed storage", () => {
    expect(inManagedPrefix(s3, "p1", { bucket: "borela-managed", path: "p1" })).toBe(true);
    expect(inManagedPrefix(s3, "p1", { bucket: "borela-managed", path: "p1/app/generations" })).toBe(true);
    expect(inManagedPrefix(s3, "p1", { bucket: "borela-managed", path: "p1-other/app" })).toBe(false);
    expect(inManagedPrefix(s3, "p1", { bucket: "borela-managed", path: "" })).toBe(false);
    expect(inManagedPrefix(s3, "p1", { bucket: "byo", path: "p1/app" })).toBe(false);
    expect(inManagedPrefix(null, "p1", { bucket: "borela-managed", path: "p1/app" })).toBe(false);
  });
});
