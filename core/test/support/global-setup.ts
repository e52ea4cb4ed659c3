// Generates the Prisma client once before any suite imports it.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

export default function setup(): void {
  const require = createRequire(import.meta.url);
  const prismaCli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  execFileSync(process.execPath, [prismaCli, "generate"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "ignore", "inherit"],
  });
}
