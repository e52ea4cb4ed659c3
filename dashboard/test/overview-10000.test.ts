// Issue 18: the overview at 10,000 projects in real Chromium renders only the rows in view. Projects are
// written straight into the core's store. Scrolling to the end of the loaded rows loads the next page;
// however far the list is scrolled, the table holds a few dozen rows, the right ones, and a poll leaves
// the scroll position where it was. Prints (and writes to .artifacts) the time to the first rows and per page.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useDashboard } from "./support/use-dashboard.ts";
import { seedOverviewProjects, timedOverviewLoad } from "./support/overview-projects.ts";
import { renderedIndexes, renderedNames, renderedRows, rowAt, scrollToRow } from "./support/virtual-rows.ts";
import { count } from "../src/lib/format.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const ARTIFACTS = path.join(ROOT, ".artifacts");
const SHOTS = path.join(ARTIFACTS, "screenshots");
const N = 10_000;
const PAGES = 6; // pages loaded by scrolling after the first
const MAX_ROWS = 60; // rows in the DOM at any time
const STATUSES = ["silent", "error", "stale", "fresh"] as const; // worst first (every project has the same drill status)
const statusOf = (i: number) => (i % 10 === 0 ? "silent" : i % 25 === 1 ? "error" : i % 3 === 0 ? "stale" : "fresh");
const nameOf = (i: number) => `proj-${String(i).padStart(5, "0")}`;
// The core's order for these projects: by status, worst first, then by name.
const EXPECTED = Array.from({ length: N }, (_, i) => i)
  .sort((a, b) => STATUSES.indexOf(statusOf(a)) - STATUSES.indexOf(statusOf(b)) || a - b)
  .map(nameOf);

const { core, page } = useDashboard({ BORELA_LOG_LEVEL: "warn", BORELA_SWEEP_INTERVAL_SECONDS: "3600" });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await seedOverviewProjects(core.store, N, (i, now) => ({ name: nameOf(i), status: statusOf(i), statusSince: new Date(now - i * 1000) }));
}, 120_000);

const rows = () => renderedRows(page);
const loaded = () => page.getByTestId("shown").textContent();
/** The name of the first row whose bottom is inside the viewport. */
const topRow = () =>
  rows().evaluateAll((trs) => trs.find((tr) => tr.getBoundingClientRect().bottom > 0)?.getAttribute("data-project") ?? null);

describe(`the overview at ${count(N)} projects`, () => {
  it("renders only the rows in view while scrolling loads page after page", async () => {
    // A fresh load, timed to the first rows and the summary.
    const { firstRowsMs, lists } = await timedOverviewLoad(page, core);

    // The summary counts every project, not the page.
    for (const s of STATUSES) {
      const n = Array.from({ length: N }, (_, i) => statusOf(i)).filter((x) => x === s).length;
      expect(await page.locator(`[data-filter="${s}"]`).textContent()).toBe(`${count(n)} ${s}`);
    }
    expect(await page.locator(".summary strong").first().textContent()).toBe(count(N));
    expect(await loaded()).toBe(`100 of ${count(N)} loaded`);
    expect(await rows().count()).toBeLessThanOrEqual(MAX_ROWS);
    expect((await renderedNames(page)).slice(0, 3)).toEqual(EXPECTED.slice(0, 3));
    expect(await page.locator("table.projects").getAttribute("aria-rowcount")).toBe(String(N + 1));
    await page.screenshot({ path: path.join(SHOTS, "overview-10000.png") });

    // Scrolling to the end of the loaded rows loads the next page; the DOM stays a window.
    const pageMs: number[] = [];
    let most = 0;
    for (let k = 2; k <= PAGES + 1; k++) {
      const t = Date.now();
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect.poll(loaded, { timeout: 15_000, interval: 20 }).toBe(`${count(k * 100)} of ${count(N)} loaded`);
      pageMs.push(Date.now() - t);
      most = Math.max(most, await rows().count());
      expect(most).toBeLessThanOrEqual(MAX_ROWS);
    }
    const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);
    // What rendering every loaded row would cost instead: each row's nodes times the rows loaded.
    const rowNodes = await rows().first().evaluate((tr) => tr.getElementsByTagName("*").length + 1);
    const reached = Math.max(...(await renderedIndexes(page)));
    expect(reached).toBeGreaterThan(300);
    expect(Math.min(...(await renderedIndexes(page)))).toBeGreaterThan(300 - MAX_ROWS);

    // A row found by scrolling back shows the right project and its status.
    for (const at of [450, 120, 640]) {
      await scrollToRow(page, at);
      const tr = rowAt(page, at);
      expect(await tr.getAttribute("data-project")).toBe(EXPECTED[at]);
      expect(await tr.locator("[data-status]").first().textContent()).toBe(statusOf(Number(EXPECTED[at]!.slice(5))));
      expect(await rows().count()).toBeLessThanOrEqual(MAX_ROWS);
    }
    await page.screenshot({ path: path.join(SHOTS, "overview-10000-scrolled.png") });

    // A poll (every 5 s, each loaded page revalidated by its ETag) leaves the scroll position and the rows as they were.
    const y = await page.evaluate(() => window.scrollY);
    const seen = await topRow();
    const before = lists.length;
    await expect.poll(() => lists.length - before, { timeout: 20_000 }).toBeGreaterThanOrEqual(PAGES + 1);
    expect(lists.slice(before).every((s) => s === 304)).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(y);
    expect(await topRow()).toBe(seen);

    // The search still asks the core.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByLabel("Search projects by name").fill(nameOf(9999));
    await expect.poll(() => renderedNames(page), { timeout: 15_000 }).toEqual([nameOf(9999)]);

    // On a phone each row is a card several lines high; the window follows the measured height.
    await page.getByLabel("Search projects by name").fill("");
    await expect.poll(loaded, { timeout: 15_000 }).toBe(`100 of ${count(N)} loaded`);
    await page.setViewportSize({ width: 390, height: 844 });
    await scrollToRow(page, 80);
    expect(await rowAt(page, 80).getAttribute("data-project")).toBe(EXPECTED[80]);
    expect(await rows().count()).toBeLessThanOrEqual(MAX_ROWS);
    await page.screenshot({ path: path.join(SHOTS, "overview-10000-phone.png") });

    const figures = { projects: N, firstRowsMs, pageMs, maxRenderedRows: most, domNodes: nodes, nodesPerRow: rowNodes, reachedRow: reached };
    writeFileSync(path.join(ARTIFACTS, "overview-10000.json"), JSON.stringify(figures) + "\n");
    console.log(`overview at ${N} projects: first rows and summary ${firstRowsMs} ms after navigation; pages 2-${PAGES + 1} by scrolling: ${pageMs.join(", ")} ms; at most ${most} rows rendered, ${nodes} DOM nodes with ${(PAGES + 1) * 100} rows loaded (${rowNodes} a row); reached row ${reached}`);
  }, 90_000);
});
