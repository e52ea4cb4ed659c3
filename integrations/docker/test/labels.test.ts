import { describe, expect, it } from "vitest";
import { parseLabels } from "../labels.ts";
import { describe as describeAction, plan, sidecarSpec, type App } from "../plan.ts";

describe("label scheme", () => {
  it("reads an opted-in container", () => {
    expect(parseLabels("/shop", { "dev.borela.enable": "true", "dev.borela.databases": "/data/app.sqlite3, /data/queue.sqlite3" })).toEqual({
      project: "shop",
      databases: ["/data/app.sqlite3", "/data/queue.sqlite3"],
      replica: null,
      server: null,
      user: null,
    });
    expect(parseLabels("shop", { other: "x" })).toBeNull();
    expect(parseLabels("shop", { "dev.borela.enable": "false", "dev.borela.databases": "/d.db" })).toBeNull();
  });

  it.each([
    [{ "dev.borela.enable": "yes" }, "container shop: label dev.borela.enable must be true or false, not \"yes\""],
    [{ "dev.borela.enable": "true" }, "container shop: label dev.borela.databases lists no database"],
    [{ "dev.borela.enable": "true", "dev.borela.databases": "data/app.db" }, 'container shop: label dev.borela.databases has a relative path "data/app.db"'],
    [{ "dev.borela.enable": "true", "dev.borela.databases": "/a.db", "dev.borela.replcia": "s3://b" }, "container shop: unknown label dev.borela.replcia"],
    [{ "dev.borela.enable": "true", "dev.borela.databases": "/a.db", "dev.borela.replica": "ftp://x" }, 'container shop: label dev.borela.replica "ftp://x" must be an s3:// or file:// URL'],
    [{ "dev.borela.enable": "true", "dev.borela.databases": "/a.db", "dev.borela.user": "root" }, 'container shop: label dev.borela.user "root" must be UID:GID in numbers'],
  ])("names the container and the key: %j", (labels, message) => {
    expect(() => parseLabels("shop", labels as Record<string, string>)).toThrow(message);
  });
});

describe("discover plan", () => {
  const app = (id: string, databases = ["/data/app.db"]): App => ({ id, name: `app-${id}`, labels: { project: `p${id}`, databases, replica: null, server: null, user: null }, mounts: [{ source: "/var/lib/docker/volumes/vol/_data", destination: "/data", readOnly: false }] });

  it("creates a missing sidecar, replaces one whose labels changed, removes orphans, leaves the rest", () => {
    const first = plan([app("1"), app("2")], [], "img", "http://core");
    expect(first.map((a) => a.kind)).toEqual(["create", "create"]);
    const sidecars = first.map((a, i) => ({ id: `s${i}`, name: (a as any).name, appId: (a as any).app.id, configHash: (a as any).configHash }));
    expect(plan([app("1"), app("2")], sidecars, "img", "http://core")).toEqual([]);
    const changed = plan([app("1", ["/data/app.db", "/data/queue.db"])], sidecars, "img", "http://core");
    expect(changed.map((a) => [a.kind, "sidecar" in a ? a.sidecar.id : null])).toEqual([
      ["replace", "s0"],
      ["remove", "s1"],
    ]);
  });

  it("gives the sidecar the app's mounts, a file replica outside them the replica volume, and the user label", () => {
    const base = app("1");
    expect(sidecarSpec(base, "img")).toEqual({ image: "img", binds: ["/var/lib/docker/volumes/vol/_data:/data"], user: null });
    const outside = { ...base, labels: { ...base.labels, replica: "file:///replicas/shop", user: "0:0" } };
    expect(sidecarSpec(outside, "img")).toEqual({ image: "img", binds: ["/var/lib/docker/volumes/vol/_data:/data", "borela-replicas:/replicas"], user: "0:0" });
    const inside = { ...base, labels: { ...base.labels, replica: "file:///data/replica" } };
    expect(sidecarSpec(inside, "img").binds).toEqual(["/var/lib/docker/volumes/vol/_data:/data"]);
    expect(parseLabels("shop", { "dev.borela.enable": "true", "dev.borela.databases": "/a.db", "dev.borela.user": "1000" })?.user).toBe("1000:1000");
  });

  it("says what it will do: image, mounts and user on create; SIGTERM and the grace on remove", () => {
    const [create] = plan([app("1")], [], "borela/borela:latest", "http://core");
    expect(describeAction(create)).toBe(
      "create borela-sidecar-app-1 for app-1 (project p1: /data/app.db; image borela/borela:latest, mounts /var/lib/docker/volumes/vol/_data:/data, user the database's owner; replica managed by the core (it needs BORELA_S3_*; otherwise set dev.borela.replica))",
    );
    const [remove] = plan([], [{ id: "s", name: "borela-sidecar-app-1", appId: "1", configHash: "x" }], "img", "http://core");
    expect(describeAction(remove)).toBe("stop (SIGTERM, SIGKILL after 30 s) and remove borela-sidecar-app-1: its app container stopped or is gone");
  });
});
