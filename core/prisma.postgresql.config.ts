import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The PostgreSQL store's Prisma config: `prisma migrate … --config prisma.postgresql.config.ts`.
// prisma/postgresql/schema.prisma is generated from prisma/schema.prisma (npm run generate);
// its migrations are PostgreSQL SQL of their own. The JS schema engine migrates through
// the pg driver adapter, offline, as the SQLite side does (prisma.config.ts).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "postgresql", "schema.prisma"),
  migrations: { path: path.join("prisma", "postgresql", "migrations") },
  async adapter() {
    const url = process.env.BORELA_DATABASE_URL;
    if (!url?.startsWith("postgres")) throw new Error("BORELA_DATABASE_URL must be a postgresql:// URL for prisma.postgresql.config.ts");
    return new PrismaPg({ connectionString: url });
  },
});
