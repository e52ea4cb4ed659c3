// Issue 18: scrolling the overview far loads page after page; each next page costs one request, not a
// walk of every page loaded so far from the top.
import { describe, expect, it } from "vitest";
import { appendPage, rowsOf, type FetchPage } from "../src/lib/project-pages.ts";

/** A core's list in miniature: pages of 2 over `ids`, the cursor is the last id of a page. */
function list(ids: () => string[]) {
  const asked: (string | null)[] = [];
  const fetchPage: FetchPage = async (cursor) => {
    const all = ids();
    const start = cursor === null ? 0 : all.indexOf(cursor) + 1;
    const slice = all.slice(start, start + 2);
    asked.push(cursor);
    const nextCursor = start + 2 < all.length ? slice[1]! : null;
    const projects = slice.map((id) => ({ id, name: id }));
    return { etag: `W/"${slice}"`, data: { projects, nextCursor, matched: all.length, summary: { total: all.length, statuses: {}, drillStatuses: {} } } as any };
  };
  return { fetchPage, asked };
}

describe("appendPage", () => {
  it("asks once per page, after the last page's cursor, and stops at the last page", async () => {
    const core = list(() => ["a", "b", "c", "d", "e"]);
    let pages = await appendPage([], core.fetchPage);
    pages = await appendPage(pages, core.fetchPage);
    pages = await appendPage(pages, core.fetchPage);
    expect(core.asked).toEqual([null, "b", "d"]);
    expect(rowsOf(pages).map((p) => p.id)).toEqual(["a", "b", "c", "d", "e"]);
    expect(await appendPage(pages, core.fetchPage)).toEqual(pages);
    expect(core.asked).toHaveLength(3);
  });

  it("starts after the last project seen even when the list changed, showing a moved project once", async () => {
    let ids = ["a", "b", "c", "d", "e"];
    const core = list(() => ids);
    const one = await appendPage([], core.fetchPage);
    ids = ["b", "c", "a", "d", "e"]; // "a" got better and moved down
    const two = await appendPage(one, core.fetchPage);
    expect(two[1]!.data.projects.map((p) => p.id)).toEqual(["c", "a"]);
    expect(rowsOf(two).map((p) => p.id)).toEqual(["a", "b", "c"]);
  });

  it("refuses a 304 to a page it never had", async () => {
    await expect(appendPage([], async () => null)).rejects.toThrow(/304/);
  });
});
