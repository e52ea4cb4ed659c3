import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// The JS schema engine migrates through the driver adapter: no native engine
// is downloaded, so migrations work offline (see shared DESIGN.md).
const dataDir = process.env.BORELA_DATA_DIR ?? "./data";
const url = process.env.BORELA_DATABASE_FILE ?? path.join(dataDir, "borela.db");

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return new PrismaBetterSQLite3({ url: `file:${url}` });
  },
});
