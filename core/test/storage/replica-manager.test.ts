// Who made a replica's storage, decided from its URL and the core's managed bucket (storage/replica-manager.ts).
import { describe, expect, it } from "vitest";
import { replicaManager } from "../../src/storage/replica-manager.ts";
import { managedReplicaUrl } from "../../src/storage/managed-replica.ts";

const s3 = { bucket: "borela-managed" };
const prefix = "shop-stvwxyz0";

describe("replicaManager", () => {
  it("is borela for a replica in the project's own managed prefix (with or without a reported query)", () => {
    expect(replicaManager(s3, prefix, managedReplicaUrl(s3, prefix, "primary"))).toBe("borela");
    expect(replicaManager(s3, prefix, `s3://borela-managed/${prefix}/primary?endpoint=http://127.0.0.1:9000&region=us-east-1`)).toBe("borela");
  });

  it("is user for another project's prefix, a sibling that only starts alike, another bucket, a file replica", () => {
    expect(replicaManager(s3, prefix, managedReplicaUrl(s3, "other-abcdefgh", "primary"))).toBe("user");
    expect(replicaManager(s3, prefix, `s3://borela-managed/${prefix}-other/primary`)).toBe("user");
    expect(replicaManager(s3, prefix, `s3://my-bucket/${prefix}/primary`)).toBe("user");
    expect(replicaManager(s3, prefix, "file:///replicas/shop")).toBe("user");
  });

  it("is user without managed storage, and for a URL that cannot be parsed", () => {
    expect(replicaManager(null, prefix, managedReplicaUrl(s3, prefix, "primary"))).toBe("user");
    expect(replicaManager(s3, prefix, "not a url")).toBe("user");
  });
});
