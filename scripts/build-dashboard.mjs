// Builds dashboard/dist when it is missing or older than its sources.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dashboard = path.join(root, "dashboard");
const dist = path.join(dashboard, "dist", "index.html");

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith("dist") || entry.name === "test") continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(path.join(dashboard, "vite.config.ts")) && !existsSync(path.join(dashboard, "vite.config.js"))) process.exit(0);
if (existsSync(dist) && statSync(dist).mtimeMs >= newest(dashboard)) process.exit(0);
console.error("building the dashboard (vite build)");
// A production build whatever NODE_ENV the caller runs under (vitest sets "test": Svelte would build its dev variant),
// into a temporary folder renamed at the end, so a build running beside another never leaves half a dist.
const tmp = path.join(dashboard, `dist.tmp-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
execFileSync("npx", ["vite", "build", "--outDir", tmp, "--emptyOutDir"], {
  cwd: dashboard,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, NODE_ENV: "production" },
});
rmSync(path.join(dashboard, "dist"), { recursive: true, force: true });
renameSync(tmp, path.join(dashboard, "dist"));
