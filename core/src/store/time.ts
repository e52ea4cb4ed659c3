const pad2 = (n: number) => (n < 10 ? "0" : "") + n;
const pad3 = (n: number) => (n < 10 ? "00" : n < 100 ? "0" : "") + n;

/**
 * The text form Prisma's SQLite adapter writes for DateTime, so raw SQL sorts and reads alike:
 * toISOString() with "+00:00" for "Z" ("2026-11-30T05:03:01.000+00:00"). Built from the UTC fields for
 * years 0–9999: toISOString formats through printf, the largest part of a heartbeat's JavaScript
 * cost in the store (a callgrind count). Throws RangeError for an invalid date, as toISOString does.
 */
export function storeTime(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString().replace("Z", "+00:00");
  return (
    String(year).padStart(4, "0") +
    "-" + pad2(date.getUTCMonth() + 1) + "-" + pad2(date.getUTCDate()) +
    "T" + pad2(date.getUTCHours()) + ":" + pad2(date.getUTCMinutes()) + ":" + pad2(date.getUTCSeconds()) +
    "." + pad3(date.getUTCMilliseconds()) + "+00:00"
  );
}
