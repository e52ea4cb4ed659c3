// Writes prisma/postgresql/schema.prisma (git-ignored) from prisma/schema.prisma, the one
// source (store/postgres-schema.ts says what changes). Run from core/: node prisma/postgresql/generate.ts
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { postgresSchema } from "../../src/store/postgres-schema.ts";

const here = import.meta.dirname;
const source = readFileSync(path.join(here, "..", "schema.prisma"), "utf8");
writeFileSync(path.join(here, "schema.prisma"), postgresSchema(source));
