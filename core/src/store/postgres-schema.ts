// The PostgreSQL variant of the core's Prisma schema, derived from the one source,
// core/prisma/schema.prisma (provider sqlite). Pure: text in, text out.
//
//   postgresSchema(sqliteSchema): string
//     the same enums and models; the datasource block becomes provider "postgresql",
//     the client generator writes to src/generated/prisma-pg (the schema lives in
//     prisma/postgresql/, one folder deeper, so the output path gains one "../").
// Errors: Error naming what it could not find (the datasource or the generator's output).
//
// Why a second schema file and a second client: Prisma 6.19 compiles queries per
// provider (the client embeds one query compiler) and refuses a driver adapter whose
// provider differs from the schema's ("The Driver Adapter … is not compatible with
// the provider …"), so one generated client cannot serve both stores.

export const POSTGRES_SCHEMA_HEADER =
  "// GENERATED from ../schema.prisma by prisma/postgresql/generate.ts (npm run generate in core): do not edit.\n";

const DATASOURCE = /datasource\s+db\s*\{[^}]*\}/;
const OUTPUT = /(generator\s+client\s*\{[^}]*?output\s*=\s*)"([^"]*)"/;

export function postgresSchema(sqliteSchema: string): string {
  if (!DATASOURCE.test(sqliteSchema)) throw new Error("schema.prisma: no `datasource db { … }` block to swap");
  const output = OUTPUT.exec(sqliteSchema);
  if (!output) throw new Error("schema.prisma: no `output` in `generator client`");
  const pgOutput = `../${output[2].replace(/\/prisma$/, "/prisma-pg")}`;
  if (pgOutput === `../${output[2]}`) throw new Error(`schema.prisma: generator output ${JSON.stringify(output[2])} does not end in /prisma`);
  const datasource = [
    "datasource db {",
    '  provider = "postgresql"',
    "  // Unused at run time: the driver adapter (@prisma/adapter-pg) connects to BORELA_DATABASE_URL.",
    '  url      = "postgresql://unused@127.0.0.1/unused"',
    "}",
  ].join("\n");
  return POSTGRES_SCHEMA_HEADER + sqliteSchema.replace(DATASOURCE, datasource).replace(OUTPUT, `$1"${pgOutput}"`);
}
