// Reads the isolated part's stdout (protocol.ts): forwards progress, keeps
// the result, and keeps the tail of anything else for the error message.
import type { Readable } from "node:stream";
import { ChildProtocolError, parseChildLine } from "./protocol.ts";
import type { Emit, IsolatedResult } from "./job.ts";

export interface ChildOutput {
  result: IsolatedResult | null;
  /** Why the result was refused, when it was. */
  protocolError: string | null;
  /** Last 4 KiB of lines outside the protocol and of stderr. */
  tail: () => string;
  done: Promise<void>;
}

const TAIL = 4096;

export function readChildOutput(stdout: Readable, stderr: Readable | null, onStep: Emit): ChildOutput {
  let tail = "";
  const keep = (text: string) => {
    tail = (tail + text).slice(-TAIL);
  };
  const out: ChildOutput = { result: null, protocolError: null, tail: () => tail.trim(), done: Promise.resolve() };
  let pending = "";
  const line = (raw: string) => {
    try {
      const parsed = parseChildLine(raw);
      if (!parsed) keep(`${raw}\n`);
      else if ("result" in parsed) out.result = parsed.result;
      else onStep(parsed.step, parsed.message);
    } catch (err) {
      if (!(err instanceof ChildProtocolError)) throw err;
      out.protocolError = err.message;
    }
  };
  stdout.setEncoding("utf8");
  stderr?.setEncoding("utf8").on("data", keep);
  out.done = new Promise((resolve) => {
    stdout.on("data", (chunk: string) => {
      pending += chunk;
      // A line longer than 1 MiB is not ours: drop it rather than hold it.
      if (pending.length > 1024 * 1024 && !pending.includes("\n")) pending = "";
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        line(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    stdout.on("end", () => {
      if (pending) line(pending);
      resolve();
    });
    stdout.on("error", () => resolve());
  });
  return out;
}
