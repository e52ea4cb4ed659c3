// The overview's page walk (lib/project-pages.ts) against a list that changes between polls: pages asked
// with the same cursor revalidate by ETag, a moved cursor asks afresh, no project shows twice.
import { describe, expect, it } from "vitest";
import { refreshPages, rowsOf, type FetchPage } from "../src/lib/project-pages.ts";

type P = { id: string; name: string };
/** A core's list in miniature: pages of 2 over `ids`, ETag = the page's ids, 304 when it matches. */
function list(ids: () => string[]) {
  const asked: { cursor: string | null; etag: string | null; status: number }[] = [];
  const fetchPage: FetchPage = async (cursor, etag) => {
    const all = ids();
    const start = cursor === null ? 0 : all.indexOf(cursor) + 1;
    const slice = all.slice(start, start + 2);
    const tag = `W/"${slice.join(",")}"`;
    const nextCursor = start + 2 < all.length ? slice[1]! : null;
    asked.push({ cursor, etag, status: etag === tag ? 304 : 200 });
    if (etag === tag) return null;
    const projects = slice.map((id) => ({ id, name: id }) as P);
    return { etag: tag, data: { projects, nextCursor, matched: all.length, summary: { total: all.length, statuses: {}, drillStatuses: {} } } as any };
  };
  return { fetchPage, asked };
}

describe("refreshPages", () => {
  it("loads one more page on demand, revalidates unchanged ones with 304, and follows a changed order", async () => {
    let ids = ["a", "b", "c", "d", "e"];
    const core = list(() => ids);
    let pages = await refreshPages([], 1, core.fetchPage);
    pages = await refreshPages(pages, 2, core.fetchPage);
    expect(rowsOf(pages).map((p) => p.id)).toEqual(["a", "b", "c", "d"]);

    core.asked.length = 0;
    const same = await refreshPages(pages, pages.length, core.fetchPage);
    expect(core.asked.map((a) => a.status)).toEqual([304, 304]);
    expect(same[0]).toBe(pages[0]);

    // "a" got better and moved to the end: page one changes, page two is asked after a new cursor.
    ids = ["b", "c", "d", "e", "a"];
    core.asked.length = 0;
    const moved = await refreshPages(same, same.length, core.fetchPage);
    expect(core.asked).toEqual([
      { cursor: null, etag: 'W/"a,b"', status: 200 },
      { cursor: "c", etag: null, status: 200 },
    ]);
    expect(rowsOf(moved).map((p) => p.id)).toEqual(["b", "c", "d", "e"]);

    // The list shrank to one page: the walk stops there.
    ids = ["b"];
    expect((await refreshPages(moved, 5, core.fetchPage)).length).toBe(1);
  });

  it("shows a project once when it moved between two page reads", () => {
    const page = (ids: string[]) => ({ cursor: null, etag: null, data: { projects: ids.map((id) => ({ id })), nextCursor: null } as any });
    expect(rowsOf([page(["a", "b"]), page(["b", "c"])]).map((p) => p.id)).toEqual(["a", "b", "c"]);
  });
});
