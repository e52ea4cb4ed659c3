// Builds dashboard/dist when stale (scripts/build-dashboard.mjs), one test file
// at a time: vite empties dist/ while it builds, so two builds at once would
// hand a test a half-written dist. NODE_ENV is forced to production because
// vitest sets it to "test", which makes Svelte compile its larger dev build.
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const LOCK = path.join(ROOT, ".artifacts", "dashboard-build.lock");
const STALE_LOCK_MS = 5 * 60_000;

function tryLock(): boolean {
  try {
    closeSync(openSync(LOCK, "wx"));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { force: true });
    } catch {
      /* released meanwhile */
    }
    return false;
  }
}

export async function ensureDashboardBuilt(): Promise<void> {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + STALE_LOCK_MS + 60_000;
  for (let i = 0; !tryLock(); i++) {
    if (Date.now() > deadline || i > 10_000) throw new Error(`could not take ${LOCK}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    execFileSync(process.execPath, [path.join(ROOT, "scripts", "build-dashboard.mjs")], {
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
  } finally {
    rmSync(LOCK, { force: true });
  }
}
