/** The text form Prisma's SQLite adapter writes for DateTime, so raw SQL sorts and reads alike. */
export function storeTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
