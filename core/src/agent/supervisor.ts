// Keeps `litestream replicate` running beside the agent: restarts it with
// backoff when it exits, hands its log lines on, and on stop sends SIGTERM and
// waits so Litestream does its final sync; any exit without that final sync
// (see replicate.ts) is logged as a warning.
//
//   new LitestreamSupervisor(options: SupervisorOptions)
//     options.prepare(): Promise<{ configPath, env }>   called before every start (fresh config, fresh port)
//     options.restart: false → a Litestream that exits stays down (tests: "Litestream died")
//   start(): Promise<void> · restart(reason): Promise<void> · stop(graceMs?): Promise<void>
//   status(): SupervisorStatus · kill(): void (SIGKILL the current child, for tests)
//     options.onRetire(): before a restart stops Litestream, or after one exited that will be restarted
//   stopRequested(): boolean   the agent is stopping or restarting Litestream now (its final-sync lines are expected)
//   nextBackoffMs(failures, initialMs, maxMs): number   pure
import { spawnReplicate, type ExitInfo, type ReplicateProcess } from "../litestream/replicate.ts";
import type { AgentLog } from "./log.ts";
import { inheritedEnvironment } from "./settings.ts";

export interface SupervisorOptions {
  bin: string;
  prepare(): Promise<{ configPath: string; env: Record<string, string> }>;
  restart: boolean;
  onLine(line: string): void;
  /** After every successful spawn (a new Litestream opened the databases). */
  onStart?(pid: number | undefined): void;
  /** Before a running Litestream is stopped for a restart, and when one that will be restarted exited by itself. */
  onRetire?(): Promise<void>;
  log: AgentLog;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run longer than this resets the backoff. */
  stableAfterMs?: number;
}

export interface SupervisorStatus {
  running: boolean;
  pid: number | null;
  startedAt: Date | null;
  restarts: number;
  /** Exits in a row that came sooner than stableAfterMs. */
  consecutiveFailures: number;
  lastExit: (ExitInfo & { at: Date }) | null;
  /** Why the last start could not happen (bad config, missing binary...). */
  startError: string | null;
  /** When each restart's Litestream started, oldest first (the last MAX_RESTART_TIMES). */
  restartedAt: Date[];
}

const MAX_RESTART_TIMES = 100;

export function nextBackoffMs(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

export class LitestreamSupervisor {
  private child: ReplicateProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Set by stop(), cleared by start(): nothing is spawned while set. */
  private stopping = false;
  /** The restart under way (requests meanwhile join it) and the child it is stopping. */
  private restarting: Promise<void> | null = null;
  private retiring: ReplicateProcess | null = null;
  private state: SupervisorStatus = { running: false, pid: null, startedAt: null, restarts: 0, consecutiveFailures: 0, lastExit: null, startError: null, restartedAt: [] };

  constructor(private readonly options: SupervisorOptions) {}

  status(): SupervisorStatus {
    return { ...this.state, restartedAt: [...this.state.restartedAt], running: this.child?.running() ?? false, pid: this.child?.running() ? (this.child.pid ?? null) : null };
  }

  stopRequested(): boolean {
    return this.stopping || this.restarting !== null;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.spawn();
  }

  private async spawn(restart = false): Promise<void> {
    if (this.stopping || this.child?.running()) return;
    let prepared;
    try {
      prepared = await this.options.prepare();
    } catch (err) {
      this.state.startError = `cannot prepare Litestream's config: ${(err as Error).message}`;
      this.options.log.error(this.state.startError);
      this.scheduleRestart();
      return;
    }
    if (this.stopping) return;
    const child = spawnReplicate({
      bin: this.options.bin,
      configPath: prepared.configPath,
      baseEnv: inheritedEnvironment(),
      env: prepared.env,
      parentPid: process.pid,
      onLine: (line) => this.options.onLine(line),
    });
    this.child = child;
    this.state.startedAt = new Date();
    this.state.startError = null;
    if (restart) this.state.restartedAt = [...this.state.restartedAt, this.state.startedAt].slice(-MAX_RESTART_TIMES);
    this.options.log.info("litestream started", { pid: child.pid });
    this.options.onStart?.(child.pid);
    void child.exited.then((exit) => this.exited(child, exit));
  }

  private exited(child: ReplicateProcess, exit: ExitInfo): void {
    if (this.child !== child) return;
    if (!exit.error && !exit.finalSync) {
      this.options.log.warn("litestream exited without its final sync: changes written since its last sync may be missing from the replica until Litestream runs again", {
        pid: child.pid,
        code: exit.code,
        signal: exit.signal,
      });
    }
    const ranMs = Date.now() - (this.state.startedAt?.getTime() ?? Date.now());
    this.state.lastExit = { ...exit, at: new Date() };
    if (exit.error) this.state.startError = exit.error;
    if (this.stopping || child === this.retiring) return;
    this.state.consecutiveFailures = ranMs >= (this.options.stableAfterMs ?? 30_000) ? 1 : this.state.consecutiveFailures + 1;
    this.options.log.warn("litestream exited", { code: exit.code, signal: exit.signal, error: exit.error, ranMs, restart: this.options.restart });
    if (this.options.restart) void this.options.onRetire?.();
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (!this.options.restart || this.stopping || this.restarting || this.timer) return;
    const delay = nextBackoffMs(Math.max(1, this.state.consecutiveFailures), this.options.initialBackoffMs ?? 1000, this.options.maxBackoffMs ?? 60_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.state.restarts++;
      void this.spawn(true);
    }, delay);
  }

  /**
   * Stops the current Litestream (final sync) and starts a new one with a freshly prepared config.
   * A request while one is under way joins it (two at once once left Litestream down for good).
   */
  restart(reason: string): Promise<void> {
    if (this.restarting) {
      this.options.log.info("litestream restart already under way", { reason });
      return this.restarting;
    }
    this.options.log.info("restarting litestream", { reason });
    this.restarting = (async () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.retiring = this.child;
      if (this.child?.running()) await this.options.onRetire?.();
      await this.child?.stop(10_000);
      if (this.stopping) return;
      this.state.restarts++;
      this.state.consecutiveFailures = 0;
      await this.spawn(true);
    })().finally(() => {
      this.restarting = null;
      this.retiring = null;
    });
    return this.restarting;
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.restarting?.catch(() => undefined);
    if (this.child?.running()) {
      this.options.log.info("stopping litestream (final sync)", { pid: this.child.pid });
      const exit = await this.child.stop(graceMs);
      this.options.log.info("litestream stopped", { code: exit.code, signal: exit.signal });
    }
  }

  /** SIGKILL, no final sync: for tests that need a Litestream that died. */
  kill(): void {
    this.child?.kill();
  }
}
