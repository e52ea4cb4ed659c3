// The core serves dashboard/dist at `/` with an SPA fallback; API-like paths
// keep their JSON 404s; a missing build gets a page that says how to build it.
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

/** A GET with the path sent exactly as given (fetch would normalise the dots away). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ host: hostname, port, path: rawPath }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("dashboard serving", () => {
  let core: TestCore;
  let dist: TmpDir;
  beforeAll(async () => {
    dist = await tmpDir("borela-dist-");
    mkdirSync(path.join(dist.path, "assets"));
    writeFileSync(path.join(dist.path, "index.html"), "<!doctype html><title>SPA</title><div id=app></div>");
    writeFileSync(path.join(dist.path, "assets", "index-abc123.js"), "console.log('app')");
    writeFileSync(path.join(dist.path, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    writeFileSync(path.join(path.dirname(dist.path), "outside-dist.txt"), "secret");
    core = await startTestCore({ BORELA_DASHBOARD_DIR: dist.path });
  });
  afterAll(async () => {
    await core?.close();
    await dist?.remove();
  });

  it("serves index.html at / and at the SPA's routes", async () => {
    for (const url of ["/", "/projects/abc", "/projects/abc/settings", "/settings?x=1"]) {
      const res = await core.api("GET", url, { token: null });
      expect(res.status, url).toBe(200);
      expect(res.headers.get("content-type"), url).toMatch(/^text\/html/);
      expect(res.body, url).toContain("<title>SPA</title>");
      expect(res.headers.get("cache-control"), url).toBe("no-cache");
    }
  });

  it("serves hashed assets as immutable and other files without caching", async () => {
    const js = await core.api("GET", "/assets/index-abc123.js", { token: null });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const icon = await core.api("GET", "/favicon.svg", { token: null });
    expect(icon.status).toBe(200);
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it("keeps JSON 404s for API paths, missing files and paths outside dist", async () => {
    for (const url of ["/api/v1/nothing-here", "/api", "/healthz/x", "/badge/", "/docs/nothing/here", "/assets/gone-123.js"]) {
      const res = await core.api("GET", url, { token: null });
      expect(res.status, url).toBe(404);
      expect(res.body.error, url).toBe("not_found");
    }
    for (const raw of ["/../outside-dist.txt", "/..%2foutside-dist.txt", "/assets/..%2f..%2foutside-dist.txt", "/%2e%2e/outside-dist.txt"]) {
      const res = await rawGet(core.url, raw);
      expect(res.status, raw).toBe(404);
      expect(res.body, raw).not.toContain("secret");
    }
    expect((await core.api("POST", "/projects/abc", { token: null })).status).toBe(404);
    expect((await core.api("GET", "/healthz", { token: null })).body).toEqual({ ok: true });
  });
});

describe("dashboard not built", () => {
  let core: TestCore;
  let empty: TmpDir;
  beforeAll(async () => {
    empty = await tmpDir("borela-nodist-");
    core = await startTestCore({ BORELA_DASHBOARD_DIR: path.join(empty.path, "dist") });
  });
  afterAll(async () => {
    await core?.close();
    await empty?.remove();
  });

  it("says how to build it", async () => {
    const res = await core.api("GET", "/", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.body).toContain("node scripts/build-dashboard.mjs");
    expect((await core.api("GET", "/projects/x", { token: null })).body).toContain("has not been built");
  });
});
