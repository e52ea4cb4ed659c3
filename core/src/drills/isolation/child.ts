// The isolated part's process: reads one IsolatedJob (one JSON line) from
// stdin, works in its current directory, writes progress and the result as
// JSON lines on stdout (protocol.ts). Started by entry.mjs, in a sandboxed
// child process or a container; it never sees the core's environment.
//
// The core keeps stdin open for the whole drill: when it closes (the core
// died), this process ends with its process group (Litestream included)
// instead of restoring for an owner that is gone.
import { runIsolatedJob, type IsolatedJob } from "./job.ts";

function readJob(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      text += chunk;
      const nl = text.indexOf("\n");
      if (nl !== -1) resolve(text.slice(0, nl));
    });
    process.stdin.on("end", () => {
      resolve(text);
      ownerGone();
    });
    process.stdin.on("error", reject);
  });
}

function ownerGone(): void {
  // In a container this is PID 1: its exit ends the container and everything in it.
  if (process.pid !== 1) {
    try {
      process.kill(-process.pid, "SIGKILL");
    } catch {
      /* not a process group leader */
    }
  }
  process.exit(1);
}

const write = (value: unknown, then?: () => void) => process.stdout.write(`${JSON.stringify(value)}\n`, then);

try {
  const job = JSON.parse(await readJob()) as IsolatedJob;
  const result = await runIsolatedJob(job, process.cwd(), (step, message) => write({ step, message }));
  // Exit at once: a worker stopped inside a long SQLite call keeps running until the call returns.
  write({ result }, () => process.exit(0));
} catch (err) {
  process.stderr.write(`isolated drill: ${(err as Error).message}\n`);
  process.exit(1);
}
