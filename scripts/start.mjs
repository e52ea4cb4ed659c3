// `npm start`: builds the dashboard when needed, then starts Borela on its
// embedded defaults (SQLite, embedded queue, local file replica) with the demo.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
execFileSync(process.execPath, [path.join(root, "scripts", "build-dashboard.mjs")], { stdio: "inherit" });
const child = spawn(process.execPath, [path.join(root, "core", "bin", "borela.js"), "serve", "--demo", ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
