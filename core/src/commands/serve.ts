import v8 from "node:v8";
import { parseFlags } from "./args.ts";
import { ListenError, startServer, type RunningServer } from "../server/start.ts";
import { loadConfig, readInt, type Config } from "../config.ts";
import { startDemo, type RunningDemo } from "../demo/demo.ts";
import { lockOrSay } from "./data-dir.ts";
import { entriesBefore, removeLeftovers } from "../server/start-leftovers.ts";
import { ignoreRepeatedHangups, keepRunningWithoutOutput } from "../output-closed.ts";

// V8's heap growth tuned for memory: the core's live heap is ~85 MB at 10,000 projects, but with the default
// growing factor the heap reserved 250–300 MB for garbage between collections (polls, heartbeats). Measured
// (npm run bench -- control-plane --projects 3000 --bundle, load 4–6): RSS 455–483 MB without, 221–234 MB
// with, heartbeat p99 and list p95 no worse (docs/scaling.md). Set here rather than on node's command line so
// the image, `npm start` and `npx borela serve` all run with it; heap sizing reads it as the heap grows.
const SERVE_V8_FLAGS = "--optimize-for-size";

export async function run(args: string[]): Promise<number> {
  v8.setFlagsFromString(SERVE_V8_FLAGS);
  keepRunningWithoutOutput();
  const { values } = parseFlags(args, {
    host: { type: "string" },
    port: { type: "string" },
    "data-dir": { type: "string" },
    demo: { type: "boolean" },
  }, false);
  const overrides: Partial<Config> = {
    ...(values.host ? { host: values.host } : {}),
    ...(values.port !== undefined ? { port: readInt({ port: values.port }, "port", 8787, 0, 65535) } : {}),
    ...(values["data-dir"] ? { dataDir: values["data-dir"] } : {}),
  };
  const { dataDir, port, databaseUrl } = loadConfig(undefined, overrides);
  // Before anything touches the data dir: a second serve on it is refused, and a start that fails
  // before serving leaves the dir as it found it.
  const before = entriesBefore(dataDir);
  // Port 0 is known only once bound (setPort below).
  // SQLite only: one core per store file. Cores on one PostgreSQL store share it (leases pick who runs each
  // periodic job) and may share a data dir for its secret key.
  const lock = databaseUrl ? { setPort: () => {}, release: () => {} } : lockOrSay("borela serve", dataDir, { command: values.demo ? "borela serve --demo" : "borela serve", port: port || null });
  if (!lock) return 1;
  let server: RunningServer;
  try {
    server = await startServer({ ...overrides, dataDir });
  } catch (err) {
    lock.release();
    removeLeftovers(dataDir, before);
    if (!(err instanceof ListenError)) throw err;
    process.stderr.write(`borela serve: ${err.message}\n`);
    return 1;
  }
  lock.setPort(server.config.port);
  process.stderr.write(`Borela is listening on ${server.url} (data in ${server.config.dataDir})\n`);
  process.stderr.write(`Dashboard: ${server.config.publicUrl === server.url ? server.url : server.config.publicUrl}/\n`);
  if (server.generatedAdminToken) {
    process.stderr.write(`Admin token (shown once, store it now): ${server.generatedAdminToken}\n`);
  }
  let demo: RunningDemo | null = null;
  if (values.demo) {
    demo = await startDemo({
      store: server.store,
      dataDir: server.config.dataDir,
      serverUrl: server.url,
      env: server.config,
      drills: server.app.drills,
      onLine: (line) => process.stderr.write(`[demo agent] ${line}\n`),
    });
    process.stderr.write(`Demo project "demo": a sample shop database replicated by Litestream, watched by an agent.\n`);
    process.stderr.write(`Restore the demo database: ${demo.restoreCommand}\n`);
  }
  await waitForSignal();
  process.stderr.write("Borela is stopping...\n");
  await demo?.stop();
  await server.close();
  lock.release();
  return 0;
}

/** SIGINT, SIGTERM, or SIGHUP (its terminal closed: without a handler Node ended it with no stop at all). */
function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
    ignoreRepeatedHangups(resolve);
  });
}
