// The pure part of drilling a project without an agent (drills/stored-subject.ts): which
// projects are drilled on their stored replica, the name the drill gives it, and the
// stand-in a drill reads (no live state: nothing an agent reported).
import { describe, expect, it } from "vitest";
import { storedDatabase, storedDrillable, storedReplicaName } from "../../src/drills/stored-subject.ts";

describe("stored replica drills", () => {
  it("names the drilled replica after the last segment of its path, without query or credentials", () => {
    expect(storedReplicaName("file:///backups/app")).toBe("replica app");
    expect(storedReplicaName("file:///backups/app/")).toBe("replica app");
    expect(storedReplicaName("s3://bucket/shop/app?endpoint=http%3A%2F%2F127.0.0.1%3A9000")).toBe("replica app");
    expect(storedReplicaName("s3://bucket")).toBe("replica");
  });

  it("only a project with a stored replica and no agent is drilled on it", () => {
    expect(storedDrillable({ replicaUrl: "file:///r", lastHeartbeatAt: null })).toBe(true);
    expect(storedDrillable({ replicaUrl: "file:///r", lastHeartbeatAt: new Date() })).toBe(false);
    expect(storedDrillable({ replicaUrl: null, lastHeartbeatAt: null })).toBe(false);
    expect(storedDatabase({ id: "p", replicaUrl: null, lastHeartbeatAt: null, updatedAt: new Date() })).toBeNull();
  });

  it("the stand-in carries the stored URL and nothing an agent would report", () => {
    const d = storedDatabase({ id: "p", replicaUrl: "file:///backups/app", lastHeartbeatAt: null, updatedAt: new Date(0) })!;
    expect(d).toMatchObject({ id: null, projectId: "p", name: "replica app", position: null, tableCounts: null, markerEnabled: false, sizeBytes: 0n });
    expect(d.replicas).toEqual([{ url: "file:///backups/app", position: null, updatedAt: new Date(0) }]);
  });
});
