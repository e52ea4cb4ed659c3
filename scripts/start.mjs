// `npm start`: builds the dashboard when needed, then starts Borela on its
// embedded defaults (SQLite, embedded queue, local file replica) with the demo.
//
// Borela runs in its own process group, so Ctrl-C reaches it once, from here:
// the terminal signals every process of its foreground group (npm, this
// script, and before this the core, the demo agent and Litestream all at
// once), and npm forwards the signal again. One stop request per process is
// what lets the agent stop Litestream with a single SIGTERM and wait for its
// final sync.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { node24Binary } from "../core/bin/node24.js";

const root = path.resolve(import.meta.dirname, "..");
// Borela runs on Node 24 LTS: an older Node here fetches it once (scripts/install-node24.sh).
const node = node24Binary();
execFileSync(node, [path.join(root, "scripts", "build-dashboard.mjs")], { stdio: "inherit" });
const child = spawn(node, [path.join(root, "core", "bin", "borela.js"), "serve", "--demo", ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
  detached: true,
});
let forwarded = null;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    // A second Ctrl-C (not the same one again through npm) is a wish to hurry: pass it on.
    if (forwarded && Date.now() - forwarded.at < 500) return;
    forwarded = { at: Date.now() };
    child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
  });
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
