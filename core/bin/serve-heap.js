// `borela serve` starts V8 with a young generation sized for a server's garbage. A heartbeat allocates about
// 37 KB (parsed body, validation, rows, reply). Under load the young generation stayed at its smallest (with
// serve.ts's --optimize-for-size, which keeps the old space small), so a scavenge ran every 12–17 ms, objects
// of requests still in flight outlived two of them and were promoted, and the old space needed a full
// mark-compact every 2 s. Semi-spaces of 8 MiB: about a tenth less CPU per heartbeat, 10–15 MB more resident
// memory (docs/benchmarks.md, heartbeat-ingest and control-plane); 16 MiB saved more CPU but took the
// 10,000-project core's RSS to 291 MB and its longest stall past 100 ms.
//
// V8 sizes its young generation once, at start (v8.setFlagsFromString later changed nothing: measured),
// and NODE_OPTIONS refuses --min-semi-space-size, so a `serve` started without them replaces itself with
// one that has them: process.execve keeps the PID, stdin, stdout, stderr and the environment, so whatever
// started it (a terminal, npm start, Docker, systemd, a test) sees one process throughout.
//
//   SERVE_V8_FLAGS: string[]                           the flags `serve` runs with
//   serveHeapArgv(args, execArgv): string[] | null     the node options to start `borela <args>` with:
//                                                      SERVE_V8_FLAGS, then execArgv; null when not `serve`, or
//                                                      when execArgv sizes the semi-spaces itself (ours, or the
//                                                      user's own sizing, kept as given)
//   execServeWithHeap(script): void                    re-executes this process with them when due; returns
//                                                      when not due, when started with an IPC channel, or when
//                                                      this Node has no process.execve or execve(2) fails
export const SERVE_V8_FLAGS = ["--min-semi-space-size=8", "--max-semi-space-size=8"];

export function serveHeapArgv(args, execArgv) {
  if (args[0] !== "serve") return null;
  if (execArgv.some((option) => /^--(min|max)[-_]semi[-_]space[-_]size\b/.test(option))) return null;
  return [...SERVE_V8_FLAGS, ...execArgv];
}

export function execServeWithHeap(script) {
  const options = serveHeapArgv(process.argv.slice(2), process.execArgv);
  // execve keeps only stdin, stdout and stderr: a parent's IPC channel (node24.js launch passes the flags
  // itself) would be lost.
  if (!options || typeof process.execve !== "function" || process.env.NODE_CHANNEL_FD !== undefined) return;
  try {
    process.execve(process.execPath, [process.execPath, ...options, script, ...process.argv.slice(2)], process.env);
  } catch {
    // execve(2) refused (this process is unchanged): serve runs with V8's default sizes.
  }
}
