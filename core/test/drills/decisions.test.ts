// The pure decisions of a drill, without I/O: which check, assertion
// comparisons, what fails or warns against the last passing drill and the live
// counts, RPO, disk needs and retry delays.
import { describe, expect, it } from "vitest";
import {
  chooseCheck,
  compare,
  compareWithLive,
  compareWithPrevious,
  generationMismatch,
  isStorageUnreachable,
  QUICK_CHECK_ABOVE_BYTES,
  requiredFreeBytes,
  retryDelayMs,
  rpoSeconds,
} from "../../src/drills/decisions.ts";
import type { CheckPolicy } from "../../src/generated/prisma/enums.ts";

const MiB = 1024 * 1024;

describe("chooseCheck", () => {
  it.each<[CheckPolicy, number, string]>([
    ["integrity", 10 * QUICK_CHECK_ABOVE_BYTES, "integrity_check"],
    ["quick", 1, "quick_check"],
    ["auto", QUICK_CHECK_ABOVE_BYTES, "integrity_check"],
    ["auto", QUICK_CHECK_ABOVE_BYTES + 1, "quick_check"],
  ])("policy %s at %d bytes → %s", (policy, size, expected) => {
    expect(chooseCheck(policy, size)).toBe(expected);
  });
});

describe("compare", () => {
  it.each([
    [5, ">=", 5, true],
    [4, ">=", 5, false],
    [6, ">", 5, true],
    [5, ">", 5, false],
    [5, "=", 5, true],
    [5, "=", 6, false],
    [5, "<=", 5, true],
    [6, "<=", 5, false],
    [4, "<", 5, true],
    [5, "<", 5, false],
    [4, "!=", 5, true],
    [5, "!=", 5, false],
    [5, "~", 5, false],
  ])("%d %s %d is %s", (actual, op, expected, result) => {
    expect(compare(actual, op, expected)).toBe(result);
  });
});

describe("compareWithPrevious", () => {
  it("has nothing to say without a previous passing drill", () => {
    expect(compareWithPrevious({ users: 0 }, null, 50)).toEqual({ failures: [], warnings: [] });
  });

  it("fails on a missing table and warns on a drop at or beyond the threshold", () => {
    const result = compareWithPrevious({ users: 10, orders: 10, items: 51 }, { users: 10, orders: 100, items: 100, events: 7 }, 50);
    expect(result.failures).toEqual(["table events is missing (it had 7 rows in the last passing drill)"]);
    expect(result.warnings).toEqual(["table orders dropped 90% since the last passing drill (100 → 10 rows)"]);
  });

  it("does not warn on growth, a new table, or a drop from zero", () => {
    expect(compareWithPrevious({ users: 20, added: 3, empty: 0 }, { users: 10, empty: 0 }, 1)).toEqual({ failures: [], warnings: [] });
  });

  it("follows the project's threshold", () => {
    expect(compareWithPrevious({ t: 80 }, { t: 100 }, 20).warnings).toHaveLength(1);
    expect(compareWithPrevious({ t: 81 }, { t: 100 }, 20).warnings).toHaveLength(0);
  });
});

describe("compareWithLive", () => {
  it("warns when the backup lacks a live table or holds far fewer rows than the live database", () => {
    expect(compareWithLive({ users: 10, orders: 40 }, { users: 10, orders: 100, events: 3 }, 50)).toEqual([
      "table orders has 40 rows in the backup but 100 in the live database",
      "table events exists in the live database (3 rows) but not in the backup",
    ]);
  });

  it("accepts rows written since the backup within the threshold, and no report at all", () => {
    expect(compareWithLive({ users: 90 }, { users: 100 }, 50)).toEqual([]);
    expect(compareWithLive({ users: 90 }, null, 50)).toEqual([]);
  });
});

describe("rpoSeconds", () => {
  const point = new Date("2026-01-01T00:00:00Z");
  const G = "1111111111111111";
  const at = (index: number, offset: number, generation = G) => ({ generation, index, offset });
  it("is 0 when the restore reaches the live position (same generation, same or later index/offset)", () => {
    expect(rpoSeconds({ restorePoint: point, restored: at(2, 4152), live: at(2, 4152), changedAt: new Date("2026-01-01T00:00:09Z") })).toBe(0);
    expect(rpoSeconds({ restorePoint: point, restored: at(3, 0), live: at(2, 8304), changedAt: null })).toBe(0);
  });

  it("is the last live change minus the restore point when the restore is behind or elsewhere", () => {
    expect(rpoSeconds({ restorePoint: point, restored: at(2, 4152), live: at(2, 8304), changedAt: new Date("2026-01-01T00:01:30Z") })).toBe(90);
    expect(rpoSeconds({ restorePoint: point, restored: at(9, 0), live: at(0, 32, "2222222222222222"), changedAt: new Date("2026-01-01T00:00:05Z") })).toBe(5);
    expect(rpoSeconds({ restorePoint: point, restored: at(2, 0), live: at(2, 8304), changedAt: new Date("2025-12-31T23:59:00Z") })).toBe(0);
  });

  it("is null, never 0, when it cannot be measured", () => {
    expect(rpoSeconds({ restorePoint: point, restored: at(2, 0), live: null, changedAt: null })).toBeNull();
    expect(rpoSeconds({ restorePoint: point, restored: at(2, 0), live: at(2, 8304), changedAt: null })).toBeNull();
    expect(rpoSeconds({ restorePoint: null, restored: null, live: at(2, 0), changedAt: new Date() })).toBeNull();
  });
});

describe("generationMismatch", () => {
  const [A, B] = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"];
  it("says why a restore would not bring back the live data, or null", () => {
    expect(generationMismatch(A, A, [A])).toBeNull();
    expect(generationMismatch(A, null, [A])).toBeNull();
    expect(generationMismatch(A, B, [A])).toBe(
      `restored generation ${A}, but the live database is on generation ${B} (it has nothing in the replica yet): a restore now would not bring back the live data`,
    );
    expect(generationMismatch(A, B, [A, B])).toMatch(/a newer backup of it exists but is not what a restore picks/);
  });
});

describe("requiredFreeBytes", () => {
  it("covers the live database when the agent reported its size, else three times the backup, plus a margin", () => {
    expect(requiredFreeBytes(100 * MiB, null)).toBe(Math.ceil(300 * MiB * 1.1) + 16 * MiB);
    expect(requiredFreeBytes(100 * MiB, 1000 * MiB)).toBe(Math.ceil(1000 * MiB * 1.1) + 16 * MiB);
    expect(requiredFreeBytes(100 * MiB, 10 * MiB)).toBe(requiredFreeBytes(100 * MiB, null));
    expect(requiredFreeBytes(0)).toBe(16 * MiB);
  });
});

describe("retryDelayMs", () => {
  it("doubles from 2 s and stops growing at 5 minutes", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(30)).toBe(300_000);
  });
});

describe("isStorageUnreachable", () => {
  it.each([
    'litestream restore failed: cannot fetch generations: RequestError: send request failed\ncaused by: Get "http://127.0.0.1:1/b?prefix=x": dial tcp 127.0.0.1:1: connect: connection refused',
    "cannot read WAL segment k: fetch failed (ECONNRESET)",
    "dial tcp: lookup storage.example: no such host",
    "read tcp 127.0.0.1:4000->127.0.0.1:9000: i/o timeout",
    "ServiceUnavailable: please retry",
  ])("retries: %s", (message) => {
    expect(isStorageUnreachable(message)).toBe(true);
  });

  it.each([
    "litestream restore failed: cannot restore snapshot: lz4: bad magic number",
    "cannot decode wal: unexpected EOF",
    "write /drills/x/app.sqlite3.tmp: no space left on device",
    "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist",
    "database disk image is malformed",
  ])("fails at once: %s", (message) => {
    expect(isStorageUnreachable(message)).toBe(false);
  });
});
