// A core (`borela serve`, or core-child.ts: startServer as serve runs it once it holds the data dir), a
// drill worker (`borela worker`) and an agent (`borela agent`) as real child processes on loopback, so tests
// can kill -9 them.
// The env given is laid over process.env without its BORELA_ variables (cleanEnv): the child sees only
// what the test names, plus BORELA_LOG_LEVEL=warn (agents: info) and, for cores, BORELA_HOST=127.0.0.1 and
// BORELA_PORT=0, unless set.
//
//   const a = await startCoreProcess("a", { BORELA_DATA_DIR: dir, BORELA_DATABASE_URL: url, ... });
//   a.url; a.alive(); await a.kill9(); await a.stop();
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { BORELA_BIN, cleanEnv } from "./borela-cli.ts";

const CORE_CHILD = path.resolve(import.meta.dirname, "core-child.ts");

export interface ChildHandle {
  name: string;
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  alive(): boolean;
  /** Resolves when the process has exited (at once when it already has). */
  exited(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, then waits for the exit; the exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

export interface CoreProcess extends ChildHandle {
  /** http://127.0.0.1:<port> */
  url: string;
}

export interface StartOptions {
  /** "serve" (default): the real CLI, one process per data dir; "child": startServer, for several cores on one SQLite data dir. */
  entry?: "serve" | "child";
  /** How long to wait for "listening on" (default 90 s: a loaded machine took over 30 s); the error carries the output. */
  timeoutMs?: number;
}

function handle(name: string, child: ChildProcess, out: () => string): ChildHandle {
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const exited = () => (gone() ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve())));
  return {
    name,
    child,
    output: out,
    alive: () => !gone(),
    exited,
    async kill9() {
      if (!gone()) child.kill("SIGKILL");
      await exited();
    },
    async stop() {
      if (!gone()) child.kill("SIGTERM");
      await exited();
      return child.exitCode;
    },
  };
}

function spawnWithEnv(args: string[], env: Record<string, string>): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, args, {
    env: { ...cleanEnv(), BORELA_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  // Bounded: the last 200 kB is enough to say why something failed.
  const keep = (d: Buffer) => (text = (text + d.toString()).slice(-200_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { child, out: () => text };
}

/** Waits until `pattern` appears in the child's output; rejects on exit or after timeoutMs, with the output. */
function waitForLine(h: ChildHandle, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(h.output());
      if (m) {
        done();
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`${what} exited with ${code} first:\n${h.output()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what} not seen within ${timeoutMs} ms:\n${h.output()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      h.child.stdout!.off("data", check);
      h.child.stderr!.off("data", check);
      h.child.off("exit", onExit);
    };
    h.child.stdout!.on("data", check);
    h.child.stderr!.on("data", check);
    h.child.once("exit", onExit);
    check();
  });
}

/** Starts a core; resolves once it listens. Rejects (the child killed) when it exits first or after timeoutMs. */
export async function startCoreProcess(name: string, env: Record<string, string>, options: StartOptions = {}): Promise<CoreProcess> {
  const args = options.entry === "child" ? ["--import", "tsx", CORE_CHILD] : [BORELA_BIN, "serve"];
  const { child, out } = spawnWithEnv(args, { BORELA_HOST: "127.0.0.1", BORELA_PORT: "0", ...env });
  const h = handle(name, child, out);
  try {
    const m = await waitForLine(h, /listening on (http:\/\/127\.0\.0\.1:\d+)/, `core ${name}`, options.timeoutMs ?? 90_000);
    return { ...h, url: m[1] };
  } catch (err) {
    await h.kill9();
    throw err;
  }
}

/** Starts `borela worker` (needs BORELA_REDIS_URL in env); resolves once it processes drills (60 s at most). */
export async function startWorkerProcess(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ChildHandle> {
  const { child, out } = spawnWithEnv([BORELA_BIN, "worker"], env);
  const h = handle(name, child, out);
  try {
    await waitForLine(h, /processing drills/, `worker ${name}`, timeoutMs);
    return h;
  } catch (err) {
    await h.kill9();
    throw err;
  }
}

/**
 * Starts `borela agent` configured by `env` (BORELA_SERVER, BORELA_AGENT_TOKEN, BORELA_DATABASES, ...; its log at
 * info unless BORELA_LOG_LEVEL says otherwise); resolves once it has started Litestream (60 s at most).
 * stop() is SIGTERM: Litestream's final sync, then exit 0.
 */
export async function startAgentProcess(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ChildHandle> {
  const { child, out } = spawnWithEnv([BORELA_BIN, "agent"], { BORELA_LOG_LEVEL: "info", ...env });
  const h = handle(name, child, out);
  try {
    await waitForLine(h, /litestream started/, `agent ${name}`, timeoutMs);
    return h;
  } catch (err) {
    await h.kill9();
    throw err;
  }
}
