import { describe, expect, it } from "vitest";
import { parseLabels } from "../labels.ts";
import { plan, type App } from "../plan.ts";

describe("label scheme", () => {
  it("reads an opted-in container", () => {
    expect(parseLabels("/shop", { "dev.borela.enable": "true", "dev.borela.databases": "/data/app.sqlite3, /data/queue.sqlite3" })).toEqual({
      project: "shop",
      databases: ["/data/app.sqlite3", "/data/queue.sqlite3"],
      replica: null,
      server: null,
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
  ])("names the container and the key: %j", (labels, message) => {
    expect(() => parseLabels("shop", labels as Record<string, string>)).toThrow(message);
  });
});

describe("discover plan", () => {
  const app = (id: string, databases = ["/data/app.db"]): App => ({ id, name: `app-${id}`, labels: { project: `p${id}`, databases, replica: null, server: null }, mounts: ["vol:/data"] });

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
});
