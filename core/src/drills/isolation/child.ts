// The isolated part's process: reads one IsolatedJob (JSON) from stdin, works
// in its current directory, writes progress and the result as JSON lines on
// stdout (protocol.ts). Started by entry.mjs, in a sandboxed child process or
// a container; it never sees the core's environment.
import { runIsolatedJob, type IsolatedJob } from "./job.ts";

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const write = (value: unknown, then?: () => void) => process.stdout.write(`${JSON.stringify(value)}\n`, then);

try {
  const job = JSON.parse(await readStdin()) as IsolatedJob;
  const result = await runIsolatedJob(job, process.cwd(), (step, message) => write({ step, message }));
  // Exit at once: a worker stopped inside a long SQLite call keeps running until the call returns.
  write({ result }, () => process.exit(0));
} catch (err) {
  process.stderr.write(`isolated drill: ${(err as Error).message}\n`);
  process.exit(1);
}
