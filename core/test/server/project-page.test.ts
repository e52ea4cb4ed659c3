// The list's pure parts: order, filters, cursor, summary, ETag matching (no I/O).
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, matches, orderKey, page, summarize, type OrderRow } from "../../src/server/project-page.ts";
import { compareKeys, urgency } from "../../src/server/project-order.ts";
import { notModified, weakEtag } from "../../src/server/etag.ts";
import { SEVERITY, STATUSES } from "../../src/freshness/severity.ts";

const row = (id: string, name: string, status = "fresh", drillStatus = "none"): OrderRow => ({ id, name, status, drillStatus });

describe("urgency", () => {
  it("follows the core's severity for freshness, worst first", () => {
    const byUrgency = [...STATUSES].sort((a, b) => urgency({ status: a, drillStatus: "passed" }) - urgency({ status: b, drillStatus: "passed" }));
    expect(byUrgency).toEqual([...STATUSES].sort((a, b) => SEVERITY[b] - SEVERITY[a]));
  });
  it("puts a drill status just after its freshness peer", () => {
    const u = (status: string, drillStatus: string) => urgency({ status, drillStatus });
    expect(u("error", "passed")).toBeLessThan(u("fresh", "failed"));
    expect(u("fresh", "failed")).toBeLessThan(u("stale", "passed"));
    expect(u("stale", "passed")).toBeLessThan(u("fresh", "overdue"));
    expect(u("fresh", "overdue")).toBeLessThan(u("unknown", "passed"));
    expect(u("fresh", "none")).toBeLessThan(u("fresh", "passed"));
    expect(Number.isInteger(u("fresh", "failed"))).toBe(true);
  });
});

describe("page", () => {
  const rows = [row("a", "beta"), row("b", "Alpha"), row("c", "gamma", "silent"), row("d", "delta", "fresh", "failed"), row("e", "alpha-2")];
  const all = { status: [], q: null };

  it("orders worst first, then by name case-insensitively, and walks pages by cursor", () => {
    const first = page(rows, { ...all, limit: 2, cursor: null });
    expect(first.ids).toEqual(["c", "d"]);
    const second = page(rows, { ...all, limit: 2, cursor: decodeCursor(encodeCursor(first.nextCursor!)) });
    expect(second.ids).toEqual(["b", "e"]);
    const third = page(rows, { ...all, limit: 2, cursor: second.nextCursor });
    expect(third).toMatchObject({ ids: ["a"], nextCursor: null, matched: 5 });
  });

  it("resumes after a cursor whose project has since gone or moved", () => {
    const first = page(rows, { ...all, limit: 2, cursor: null });
    const without = rows.filter((r) => r.id !== "d");
    expect(page(without, { ...all, limit: 2, cursor: first.nextCursor }).ids).toEqual(["b", "e"]);
  });

  it("filters by status or drill status and by name, and counts every project in the summary", () => {
    expect(page(rows, { status: ["silent", "failed"], q: null, limit: 10, cursor: null }).ids).toEqual(["c", "d"]);
    expect(page(rows, { status: [], q: "ALPHA", limit: 10, cursor: null })).toMatchObject({ ids: ["b", "e"], matched: 2, summary: { total: 5 } });
    expect(matches(row("x", "shop"), { status: ["stale"], q: null })).toBe(false);
    expect(summarize(rows)).toEqual({
      total: 5,
      statuses: { fresh: 4, stale: 0, silent: 1, error: 0, unknown: 0 },
      drillStatuses: { failed: 1, overdue: 0, none: 4, passed: 0 },
    });
  });

  it("keeps names that differ only in case apart, in a fixed order", () => {
    const keys = [row("1", "shop"), row("2", "Shop")].map(orderKey).sort(compareKeys);
    expect(keys.map((k) => k.name)).toEqual(["Shop", "shop"]);
  });
});

describe("cursor", () => {
  it("refuses what it did not write, naming the field", () => {
    for (const bad of ["", "bm90LWpzb24", Buffer.from("[1,2,3]").toString("base64url"), Buffer.from('[1.5,"a","b"]').toString("base64url")]) {
      expect(() => decodeCursor(bad)).toThrow(/^cursor: /);
    }
  });
});

describe("ETag", () => {
  it("matches weakly, in a list, or *", () => {
    const tag = weakEtag({ a: 1 });
    expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(weakEtag({ a: 1 })).toBe(tag);
    expect(weakEtag({ a: 2 })).not.toBe(tag);
    expect(notModified(tag, tag)).toBe(true);
    expect(notModified(tag.slice(2), tag)).toBe(true);
    expect(notModified(`"x", ${tag}`, tag)).toBe(true);
    expect(notModified("*", tag)).toBe(true);
    expect(notModified('W/"other"', tag)).toBe(false);
    expect(notModified(undefined, tag)).toBe(false);
  });
});
