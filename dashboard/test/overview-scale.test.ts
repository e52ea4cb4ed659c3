// Issue 18: the overview at 1,500 projects in real Chromium. Projects are written straight into the
// core's store (not 1,500 HTTP calls). The first page (100 rows, worst first; only those in view are
// rendered) and the summary of every project render quickly; "Load more", a status filter and a name
// search ask the core, and an unchanged poll is answered 304 (If-None-Match) instead of the whole page again.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useDashboard } from "./support/use-dashboard.ts";
import { seedOverviewProjects, timedOverviewLoad } from "./support/overview-projects.ts";
import { renderedNames, renderedRows, rowAt, scrollToRow } from "./support/virtual-rows.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SHOTS = path.join(ROOT, ".artifacts", "screenshots");
const N = 1_500;
const statusOf = (i: number) => (i % 10 === 0 ? "silent" : i % 25 === 1 ? "error" : i % 3 === 0 ? "stale" : "fresh");
const SILENT = Math.floor((N - 1) / 10) + 1;

// The sweeper stays out of the way: the statuses below are written as they are.
const { core, page } = useDashboard({ BORELA_LOG_LEVEL: "warn", BORELA_SWEEP_INTERVAL_SECONDS: "3600" });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await seedOverviewProjects(core.store, N, (i, now) => ({ name: `proj-${String(i).padStart(4, "0")}`, status: statusOf(i), statusSince: new Date(now - i * 60_000) }));
}, 120_000);

const rows = () => renderedRows(page);
const names = () => renderedNames(page);
const MAX_ROWS = 60; // rows in the DOM at any time

describe(`the overview at ${N.toLocaleString("en")} projects`, () => {
  it("renders the summary and the first 100 failing projects first, then pages, filters and searches", async () => {
    // A fresh load of the page, timed to the first row and the summary.
    const { firstRowsMs: firstRenderMs, lists } = await timedOverviewLoad(page, core);
    const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);

    expect(await rows().count()).toBeLessThanOrEqual(MAX_ROWS);
    const first = await names();
    // Worst first: every silent project (by name) before anything else; the first page is all silent.
    expect(first[0]).toBe("proj-0000");
    expect(first.slice(0, 3)).toEqual(["proj-0000", "proj-0010", "proj-0020"]);
    expect(await rows().first().locator("[data-status]").first().textContent()).toBe("silent");
    expect(await page.locator('[data-filter="silent"]').textContent()).toBe(`${SILENT} silent`);
    expect(await page.getByTestId("shown").textContent()).toBe(`100 of ${N.toLocaleString("en")} loaded`);
    await page.screenshot({ path: path.join(SHOTS, "overview-1500.png") });

    // Load more (a click that does not scroll, as a keyboard user's Enter): the next page follows.
    await page.getByRole("button", { name: "Load 100 more" }).dispatchEvent("click");
    await expect.poll(() => page.getByTestId("shown").textContent()).toBe(`200 of ${N.toLocaleString("en")} loaded`);
    expect(await names()).toEqual(first);
    // Silent projects (150) end inside page two; errors come next.
    await scrollToRow(page, SILENT);
    expect(await rowAt(page, SILENT - 1).getAttribute("data-project")).toBe("proj-1490");
    expect(await rowAt(page, SILENT).locator("[data-status]").first().textContent()).toBe("error");
    expect(await rows().count()).toBeLessThanOrEqual(MAX_ROWS);
    await page.evaluate(() => window.scrollTo(0, 0));

    // An unchanged poll (every 5 s, both pages) costs 304s.
    const before = lists.length;
    await expect.poll(() => lists.slice(before).filter((s) => s === 304).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(lists.slice(before).every((s) => s === 304)).toBe(true);

    // A change shows on the next poll: the first silent project turns fresh and leaves the top.
    await core.store.project.update({ where: { id: "ov-0" }, data: { status: "fresh" } });
    await expect.poll(() => names().then((n) => n[0]), { timeout: 15_000 }).toBe("proj-0010");
    expect(await page.locator('[data-filter="silent"]').textContent()).toBe(`${SILENT - 1} silent`);

    // The status filter asks the core for projects in error only.
    await page.locator('[data-filter="error"]').click();
    await expect.poll(() => page.getByTestId("shown").textContent(), { timeout: 15_000 }).toMatch(/^\d+ of \d+ loaded$/);
    await expect.poll(async () => (await rows().locator('td[data-label="Backup"] [data-status]').allTextContents()).every((s) => s === "error") && (await rows().count()) > 0).toBe(true);
    await page.locator('[data-filter="error"]').click();

    // A name search.
    await page.getByLabel("Search projects by name").fill("proj-1234");
    await expect.poll(() => names(), { timeout: 15_000 }).toEqual(["proj-1234"]);
    await page.getByLabel("Search projects by name").fill("");
    await expect.poll(() => page.getByTestId("shown").textContent(), { timeout: 15_000 }).toBe(`100 of ${N.toLocaleString("en")} loaded`);

    console.log(`overview at ${N} projects: first page and summary rendered ${firstRenderMs} ms after navigation, ${nodes} DOM nodes`);
    expect(firstRenderMs).toBeLessThan(10_000);
  }, 120_000);
});
