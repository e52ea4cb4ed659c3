// GET /api/v1/projects/:id/heartbeats on a real core: a history of heartbeats
// stored near the body limit comes back in pages of at most ~2 MiB, newest
// first, the next page named by x-borela-next-before (before: it returned
// 24 MB for 100 rows).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { HISTORY_PAGE_MAX_BYTES } from "../../src/store/history-page.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

describe("heartbeat history pages", () => {
  it("stop at the byte limit and page on through x-borela-next-before", async () => {
    const p = await core.createProject("history-bytes");
    const t0 = Date.parse("2026-11-01T00:00:00Z");
    const payload = JSON.stringify({ pad: "x".repeat(250_000) });
    await core.store.heartbeat.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({ id: `hb${String(i).padStart(2, "0")}`, projectId: p.id, sentAt: new Date(t0 + i * 1000), payload })),
    });
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: { status: number; body: any; headers: Headers } = await core.api("GET", `/api/v1/projects/${p.id}/heartbeats?limit=100${before ? `&before=${encodeURIComponent(before)}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.length * payload.length).toBeLessThanOrEqual(HISTORY_PAGE_MAX_BYTES);
      seen.push(...res.body.map((h: { id: string }) => h.id));
      before = res.headers.get("x-borela-next-before");
      if (!before) break;
      expect(before).toBe(res.body.at(-1).sentAt);
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `hb${String(19 - i).padStart(2, "0")}`));
  });
});
