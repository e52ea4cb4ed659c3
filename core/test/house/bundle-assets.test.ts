// The image runs the core from bundles (scripts/bundle-core.mjs) and copies only CORE_ASSETS beside them:
// a directory the core reads at run time and the list lacks works from the sources and fails in the image.
// (The PostgreSQL migrations were missing: `borela serve` on BORELA_DATABASE_URL=postgresql://… stopped at
// start with ENOENT in the image and the bundled bench.)
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "../../src/store/migrate.js";
import { POSTGRES_MIGRATIONS_DIR } from "../../src/store/postgres-migrate.js";

const root = path.resolve(import.meta.dirname, "../../..");

describe("the image's run-time assets", () => {
  it.each([
    ["SQLite migrations", MIGRATIONS_DIR],
    ["PostgreSQL migrations", POSTGRES_MIGRATIONS_DIR],
    ["the built dashboard", path.join(root, "dashboard", "dist")],
  ])("CORE_ASSETS holds %s", async (_what, dir) => {
    // @ts-expect-error plain ESM script without types
    const { CORE_ASSETS } = (await import("../../../scripts/bundle-core.mjs")) as { CORE_ASSETS: string[] };
    const rel = path.relative(root, dir).split(path.sep).join("/");
    expect(CORE_ASSETS.some((asset) => rel === asset || rel.startsWith(`${asset}/`))).toBe(true);
  });
});
