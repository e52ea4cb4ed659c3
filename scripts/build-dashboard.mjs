// Builds dashboard/dist when it is missing or older than its sources.
import { existsSync, readdirSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dashboard = path.join(root, "dashboard");
const dist = path.join(dashboard, "dist", "index.html");

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name === "test") continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(path.join(dashboard, "vite.config.ts")) && !existsSync(path.join(dashboard, "vite.config.js"))) process.exit(0);
if (existsSync(dist) && statSync(dist).mtimeMs >= newest(dashboard)) process.exit(0);
console.error("building the dashboard (vite build)");
execFileSync("npx", ["vite", "build"], { cwd: dashboard, stdio: ["ignore", "inherit", "inherit"] });
