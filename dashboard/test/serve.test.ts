// `borela serve` (the CLI, as `npm start` runs it) serves the built dashboard
// at `/` and below, and the JavaScript of the first load stays within budget.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreProcess, stopProcess, type CoreProcess } from "../../e2e/support/core-process.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { ensureDashboardBuilt } from "./support/build.ts";

const FIRST_LOAD_JS_BUDGET = 80 * 1024;

describe("borela serve with the built dashboard", () => {
  let core: CoreProcess;
  let data: TmpDir;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    data = await tmpDir("borela-serve-dashboard-");
    core = await startCoreProcess({ BORELA_DATA_DIR: data.path, BORELA_ADMIN_TOKEN: "bradm_serve_dashboard_test" });
  });

  afterAll(async () => {
    if (core) await stopProcess(core.child);
    await data?.remove();
  });

  it("answers / and the SPA's routes with the built index.html", async () => {
    for (const url of ["/", "/projects/some-id", "/settings"]) {
      const res = await fetch(core.url + url);
      expect(res.status, url).toBe(200);
      const html = await res.text();
      expect(html, url).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    }
    const api = await fetch(`${core.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect((await api.json()).error).toBe("not_found");
  });

  it(`loads at most ${FIRST_LOAD_JS_BUDGET / 1024} KB of gzipped JavaScript first`, async () => {
    const html = await (await fetch(`${core.url}/`)).text();
    const scripts = [...html.matchAll(/<script type="module"[^>]*src="([^"]+)"|<link rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const src of scripts) {
      const res = await fetch(core.url + src);
      expect(res.status, src).toBe(200);
      expect(res.headers.get("cache-control"), src).toContain("immutable");
      gzipped += gzipSync(Buffer.from(await res.arrayBuffer()), { level: 9 }).length;
    }
    console.log(`dashboard first-load JS: ${(gzipped / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s)`);
    expect(gzipped).toBeLessThanOrEqual(FIRST_LOAD_JS_BUDGET);
  });
});
