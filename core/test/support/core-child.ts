// A core as its own process, for tests that run several on one store: startServer, the same code
// `borela serve` runs once it holds the data dir (serve refuses a second process on one data dir:
// server/data-dir-lock.ts). Configured by BORELA_* variables; writes "listening on <url>" to stderr,
// pino's lines to stdout; SIGTERM closes it (leases let go), SIGKILL is a crash.
//
//   spawn(process.execPath, ["--import", "tsx", CORE_CHILD], { env })
import { startServer } from "../../src/server/start.ts";

const server = await startServer({ host: "127.0.0.1", port: 0 });
process.stderr.write(`listening on ${server.url}\n`);
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
