// Reading the overview's virtual table from a test: only the rows in view (plus an overscan) exist in the
// DOM, each with its list position in aria-rowindex (the header row is 1, so list index + 2).
import type { Locator, Page } from "playwright-core";

/** The table rows rendered now (spacers excluded). */
export const renderedRows = (page: Page): Locator => page.locator("tbody tr[data-project]");

/** The rendered rows' project names, in order. */
export const renderedNames = (page: Page): Promise<(string | null)[]> =>
  renderedRows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-project")));

/** The rendered rows' list indexes (0 = the first project), in order. */
export const renderedIndexes = (page: Page): Promise<number[]> =>
  renderedRows(page).evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("aria-rowindex")) - 2));

/** The rendered row at list index `index` (exists only while it is in view). */
export const rowAt = (page: Page, index: number): Locator => page.locator(`tbody tr[aria-rowindex="${index + 2}"]`);

/**
 * Scrolls the window, as a user would, until the row at list index `index` (among the loaded rows) is
 * rendered, and centres it. Throws when 20 steps did not reach it.
 */
export async function scrollToRow(page: Page, index: number): Promise<void> {
  for (let step = 0; step < 20; step++) {
    const found = await page.evaluate((idx) => {
      const trs = [...document.querySelectorAll<HTMLElement>("tbody tr[data-project]")];
      const hit = trs.find((tr) => Number(tr.getAttribute("aria-rowindex")) - 2 === idx);
      if (hit) {
        hit.scrollIntoView({ block: "center" });
        return true;
      }
      if (trs.length === 0) return false;
      const a = trs[0]!;
      const b = trs[trs.length - 1]!;
      const first = Number(a.getAttribute("aria-rowindex")) - 2;
      const height = (b.getBoundingClientRect().bottom - a.getBoundingClientRect().top) / trs.length;
      window.scrollBy(0, a.getBoundingClientRect().top + (idx - first) * height - window.innerHeight / 2);
      return false;
    }, index);
    if (found) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`row ${index} was not rendered after 20 scroll steps`);
}
