// A long-running command (serve, worker, agent) outlives its terminal's and its output's going away.
// Output: `borela serve | tee log` and tee exits, a log shipper restarts. A write to a closed pipe fails
// with EPIPE, an 'error' event nobody handled, and Node ended the process: a watcher stopped because its
// log reader did (a tester; the first log line after the pipe closed took the core down). Its log lines
// are dropped from then on; its work goes on. Terminal: serve and worker stop cleanly, once, on SIGHUP.

/** Handles write errors on stdout and stderr for the rest of the process's life; says once on stderr when stdout failed. */
export function keepRunningWithoutOutput(): void {
  let told = false;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (told) return;
    told = true;
    process.stderr.write(`borela: standard output failed (${err.code ?? err.message}): log lines written there are dropped from now on\n`);
  });
  process.stderr.on("error", () => undefined);
}

/**
 * Calls `stop` at the first SIGHUP and ignores every later one for the rest of the process's life. A closed
 * terminal sends it twice (the kernel to the foreground group, then the shell to its jobs): a one-time
 * listener let the second one end the process with Node's default action halfway through its stop (a tester:
 * exit 129 in 3 of 4 hang-ups, the WAL and the lock's files left behind).
 */
export function ignoreRepeatedHangups(stop: () => void): void {
  let seen = false;
  process.on("SIGHUP", () => {
    if (seen) return;
    seen = true;
    stop();
  });
}
