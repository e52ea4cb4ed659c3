// Writes prisma/postgresql/schema.prisma (git-ignored) from prisma/schema.prisma, as `npm run generate`
// does, so a test that runs the Prisma CLI against the PostgreSQL schema reads the current one.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { postgresSchema } from "../../src/store/postgres-schema.ts";

const PRISMA = path.resolve(import.meta.dirname, "../../prisma");

export function writePostgresSchema(): string {
  const file = path.join(PRISMA, "postgresql", "schema.prisma");
  writeFileSync(file, postgresSchema(readFileSync(path.join(PRISMA, "schema.prisma"), "utf8")));
  return file;
}
