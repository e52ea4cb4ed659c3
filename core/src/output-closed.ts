// A long-running command (serve, worker, agent) keeps running when whatever reads its output goes away:
// `borela serve | tee log` and tee exits, a log shipper restarts. A write to a closed pipe fails with
// EPIPE, an 'error' event nobody handled, and Node ended the process: a watcher stopped because its log
// reader did (a tester; the first log line after the pipe closed took the core down). Its log lines are
// dropped from then on; its work goes on.

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
