// Issue 15: a file replica inside a container's own filesystem (or a tmpfs) is an error, as is an agent
// that cannot write the database; the decisions read /proc/self/mountinfo's format (proc(5)).
import { describe, expect, it } from "vitest";
import { inContainer, parseMountinfo, replicaPlacementProblem, writeAccessProblem } from "../../src/agent/container-checks.ts";

// Lines as a Docker container (overlay root, bind-mounted /etc/hostname, a volume at /data) shows them.
const DOCKER = `74 48 0:39 / / rw,relatime master:2 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X
75 74 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
90 76 0:46 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k
92 74 254:0 /var/lib/docker/containers/abc/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw
94 74 254:0 /var/lib/docker/volumes/app_data/_data /data rw,relatime master:1 - ext4 /dev/vda rw
95 74 254:0 /var/lib/docker/volumes/borela-replicas/_data /replicas rw,relatime - ext4 /dev/vda rw
96 74 0:50 / /scratch rw,nosuid,nodev - tmpfs tmpfs rw
97 74 254:0 /srv/my\\040backups /my\\040backups rw,relatime - ext4 /dev/vda rw`;
const HOST = `22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw`;

describe("container checks", () => {
  it("parses mountinfo (escaped spaces) and tells a container from a host", () => {
    const mounts = parseMountinfo(DOCKER);
    expect(mounts.map((m) => m.mountPoint)).toContain("/my backups");
    expect(mounts.find((m) => m.mountPoint === "/")?.fsType).toBe("overlay");
    expect(inContainer(mounts)).toBe(true);
    expect(inContainer(parseMountinfo(HOST))).toBe(false);
  });

  it("refuses a file replica in the container's own filesystem or a tmpfs, accepts one on a volume, and says nothing on a host", () => {
    const mounts = parseMountinfo(DOCKER);
    expect(replicaPlacementProblem("/replica", mounts)).toBe(
      "file replica /replica is inside the container's own filesystem: it disappears with the container; mount a volume there (the snippet `borela init` prints does: e.g. borela-replicas:/replica)",
    );
    expect(replicaPlacementProblem("/tmp/replica", mounts)).toMatch(/^file replica \/tmp\/replica is inside the container's own filesystem/);
    expect(replicaPlacementProblem("/scratch/r", mounts)).toMatch(/is on a tmpfs \(\/scratch\): it disappears when the container stops/);
    expect(replicaPlacementProblem("/replicas/shop", mounts)).toBeNull();
    expect(replicaPlacementProblem("/data/replica", mounts)).toBeNull();
    expect(replicaPlacementProblem("/my backups/shop", mounts)).toBeNull();
    // "/datax" is not under the volume at "/data".
    expect(replicaPlacementProblem("/datax/r", mounts)).toMatch(/inside the container's own filesystem/);
    expect(replicaPlacementProblem("/replica", parseMountinfo(HOST))).toBeNull();
  });

  it("names the agent's uid, the file's owner and the one line to add", () => {
    expect(writeAccessProblem({ uid: 1000, gid: 1000 }, { path: "/data/app.sqlite3", owner: { uid: 0, gid: 0 } })).toBe(
      'the agent runs as uid 1000 (gid 1000) and cannot write /data/app.sqlite3, owned by 0:0; add  user: "0:0"  to the borela service (docker run: --user 0:0; labels: dev.borela.user=0:0; borela init: --user 0:0)',
    );
  });
});
