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
// started it (a terminal, npm start, systemd, a test) sees one process throughout. The image's entrypoint
// (sidecar-image/entrypoint.sh) and the old-Node launcher (node24.js) start serve with them instead.
//
// No re-exec, V8's default sizes instead, when what started serve would not survive one: a parent's IPC
// channel (`node --watch`, fork: execve keeps only stdio), a debugger (--inspect-brk would pause twice),
// preloaded modules (-r, --import: an agent they start would start twice). Nor when the user sized the
// semi-spaces (node options or NODE_OPTIONS), which is kept as given. Node 24 aborts the process when
// execve(2) itself fails (E2BIG from an environment over the kernel's limits, say): an exec that is
// refused before that (the permission model) leaves serve running on the default sizes.
//
//   SERVE_V8_FLAGS: string[]                                the flags serve runs with
//   serveHeapArgv(args, execArgv, nodeOptions): string[] | null
//       the node options to start `borela <args>` with (SERVE_V8_FLAGS, then execArgv), or null when no
//       re-exec is due (not serve, or any reason above; nodeOptions: NODE_OPTIONS's text, "" when unset)
//   execServeWithHeap(script): void   re-executes this process with them when due (and this process has no
//                                     IPC channel and this Node has process.execve); else returns
export const SERVE_V8_FLAGS = ["--min-semi-space-size=8", "--max-semi-space-size=8"];

const KEEP_AS_STARTED = /^(--(min|max)[-_]semi[-_]space[-_]size|--inspect|--debug|-r$|--require|--import|--loader|--experimental[-_]loader)/;

export function serveHeapArgv(args, execArgv, nodeOptions) {
  if (args[0] !== "serve") return null;
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  if (given.some((option) => KEEP_AS_STARTED.test(option))) return null;
  return [...SERVE_V8_FLAGS, ...execArgv];
}

export function execServeWithHeap(script) {
  const options = serveHeapArgv(process.argv.slice(2), process.execArgv, process.env.NODE_OPTIONS ?? "");
  if (!options || process.channel || typeof process.execve !== "function") return;
  try {
    process.execve(process.execPath, [process.execPath, ...options, script, ...process.argv.slice(2)], process.env);
  } catch {
    // Refused before execve(2) (this process is unchanged): serve runs on V8's default sizes.
  }
}
