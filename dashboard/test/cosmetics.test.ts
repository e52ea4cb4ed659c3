// Issue 14 cosmetics in real Chromium against a real core fed heartbeats: a long replica URL stays
// inside its card (wrapped, the full value in its title), the replica's owner in plain words, binary
// byte units, and a failed drill's summary shows its failure instead of "RTO — · RPO — · 0 tables".
import { describe, expect, it } from "vitest";
import path from "node:path";
import { heartbeat } from "../../core/test/support/core-server.ts";
import { newId } from "../../core/src/store/ids.ts";
import { openProjectPage, useDashboard } from "./support/use-dashboard.ts";

const SHOTS = path.resolve(import.meta.dirname, "../../.artifacts/screenshots");
const { core, page } = useDashboard({ BORELA_LOG_LEVEL: "warn" });

describe("project page cosmetics", () => {
  it("wraps a long replica URL, words its owner, uses KiB, and shows a failed drill's reason", async () => {
    const p = await core.createProject("cosmetics");
    const url = `file:///srv/backups/${"a-very-long-directory-name-for-replicas/".repeat(5)}app`;
    const beat = heartbeat();
    const db = beat.databases[0] as { replicas: { url: string }[] };
    db.replicas[0].url = url;
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: beat })).status).toBe(201);
    await core.app.sweeper.idle();
    const database = await core.store.database.findFirstOrThrow({ where: { projectId: p.id } });
    const reason = `no backup found in ${url}`;
    const report = { database: "app", tables: {}, integrity: "", check: "quick", foreignKeyViolations: 0, assertions: [], restoreSeconds: null, checkSeconds: null, restorePoint: null, rpoSeconds: null, restoredBytes: null, warnings: [], failures: [], error: reason };
    const at = new Date();
    await core.store.drill.create({
      data: { id: newId(), projectId: p.id, databaseId: database.id, databaseName: "app", status: "failed", trigger: "manual", queuedAt: at, startedAt: at, finishedAt: at, report: JSON.stringify(report), error: reason },
    });

    await openProjectPage(page, core, p.id);
    const card = page.locator('[data-database="app"]');
    await card.waitFor();

    const code = card.locator("code", { hasText: "a-very-long-directory" });
    expect(await code.getAttribute("title")).toBe(url);
    const cardBox = (await card.boundingBox())!;
    const codeBox = (await code.boundingBox())!;
    expect(codeBox.x + codeBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
    // Nothing in the card scrolls sideways.
    const overflowing = await card.evaluate((el) => [el, ...el.querySelectorAll(".table-wrap")].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`));
    expect(overflowing).toEqual([]);
    const text = (await card.textContent())!;
    expect(text).toContain("file replica (your own storage)");
    expect(text).not.toContain("managed by user");
    expect(text).toContain("8.0 KiB");
    expect(text).not.toMatch(/\d KB\b/);

    const failure = page.getByTestId("drill-failure").first();
    await failure.waitFor();
    expect(await failure.textContent()).toBe(reason);
    const drills = (await page.locator(".drills").textContent())!;
    expect(drills).not.toContain("RTO —");
    await page.screenshot({ path: path.join(SHOTS, "project-cosmetics.png"), fullPage: true });
  }, 60_000);
});
