// storeTime builds the text itself (no toISOString on the hot path); it must stay the text Prisma's SQLite adapter writes.
import { describe, expect, it } from "vitest";
import { storeTime } from "../../src/store/time.ts";

const reference = (d: Date) => d.toISOString().replace("Z", "+00:00");

describe("storeTime", () => {
  it("writes toISOString's text with +00:00 for every field width, and years outside 0–9999", () => {
    const dates = [
      "2026-11-30T05:03:01.000Z",
      "2026-01-02T03:04:05.006Z",
      "2027-12-31T23:59:59.999Z",
      "1970-01-01T00:00:00.000Z",
      "2024-02-29T12:00:00.050Z",
      "0999-05-06T07:08:09.010Z",
      "0005-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
    ].map((s) => new Date(s));
    dates.push(new Date(Date.UTC(10000, 0, 1)), new Date(-62198755200000 - 86_400_000));
    for (let i = 0; i < 2000; i++) dates.push(new Date(Math.floor(Math.random() * 4e12)));
    for (const d of dates) expect(storeTime(d)).toBe(reference(d));
    expect(storeTime(new Date("2026-11-30T05:03:01.000Z"))).toBe("2026-11-30T05:03:01.000+00:00");
  });

  it("throws for an invalid date, as toISOString does", () => {
    expect(() => storeTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
