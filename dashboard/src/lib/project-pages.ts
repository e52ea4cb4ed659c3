// The overview's pages of the project list (GET /api/v1/projects?limit=…): loaded on demand, refreshed
// from the top with fresh cursors, each page revalidated by its ETag so an unchanged poll costs a 304.
import type { ProjectListSummary, ProjectPage, ProjectSummary } from "./types.ts";

export interface LoadedPage {
  /** The cursor this page was asked with (null: the first page). */
  cursor: string | null;
  etag: string | null;
  data: ProjectPage;
}

/** Asks for the page after `cursor`; null when the core answered 304 to `etag`. */
export type FetchPage = (cursor: string | null, etag: string | null) => Promise<{ data: ProjectPage; etag: string | null } | null>;

/**
 * Walks `want` pages (at least one) from the top. A page asked with the same cursor as last time sends its
 * ETag and is kept on a 304; the walk stops early on the last page. Bounded: `want` requests at most.
 */
export async function refreshPages(pages: readonly LoadedPage[], want: number, fetchPage: FetchPage): Promise<LoadedPage[]> {
  const next: LoadedPage[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < Math.max(1, want); i++) {
    const old = pages[i]?.cursor === cursor ? pages[i] : undefined;
    const got = await fetchPage(cursor, old?.etag ?? null);
    if (got === null && !old) throw new Error("the core answered 304 to a page never loaded");
    const page: LoadedPage = got === null ? old! : { cursor, etag: got.etag, data: got.data };
    next.push(page);
    cursor = page.data.nextCursor;
    if (cursor === null) break;
  }
  return next;
}

/**
 * The pages and the one after the last (one request, however many pages are loaded: the keyset cursor
 * places it right even when the list changed since the last refresh; rowsOf drops a project seen twice).
 * The pages unchanged when the last one has no next; the first page when there are none.
 */
export async function appendPage(pages: readonly LoadedPage[], fetchPage: FetchPage): Promise<LoadedPage[]> {
  const last = pages[pages.length - 1];
  if (last && last.data.nextCursor === null) return [...pages];
  const cursor = last ? last.data.nextCursor : null;
  const got = await fetchPage(cursor, null);
  if (got === null) throw new Error("the core answered 304 to a page asked without an ETag");
  return [...pages, { cursor, etag: got.etag, data: got.data }];
}

/** The pages' projects in order, each once (a project that moved up between two page reads shows where it was first seen). */
export function rowsOf(pages: readonly LoadedPage[]): ProjectSummary[] {
  const seen = new Set<string>();
  const rows: ProjectSummary[] = [];
  for (const p of pages) for (const r of p.data.projects) if (!seen.has(r.id)) seen.add(r.id), rows.push(r);
  return rows;
}

export const summaryOf = (pages: readonly LoadedPage[]): ProjectListSummary | null => pages[0]?.data.summary ?? null;
