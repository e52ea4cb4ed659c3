// The agent's clock work: timers that all stop with the agent, one-at-a-time
// steps, and jitter so that many agents do not beat in step.
//
//   new AgentTimers(): later(ms, fn): Timeout | null · cancel(t) · stop() · stopped
//     after stop(), nothing is scheduled and no pending fn runs
//   serialQueue(): <T>(fn: () => Promise<T>) => Promise<T>   each fn starts after the previous settled
//   jitter(ms, fraction = 0.1, random = Math.random): number   pure; ms ± fraction, at least 1 (ms)

export class AgentTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private done = false;

  get stopped(): boolean {
    return this.done;
  }

  /** Runs fn after ms milliseconds unless the agent stopped first. */
  later(ms: number, fn: () => void): NodeJS.Timeout | null {
    if (this.done) return null;
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (!this.done) fn();
    }, ms);
    this.pending.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | null): void {
    if (!t) return;
    this.pending.delete(t);
    clearTimeout(t);
  }

  stop(): void {
    this.done = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

/** One step at a time: samples and heartbeats share the database watches. A failed step does not block the next. */
export function serialQueue(): <T>(fn: () => Promise<T>) => Promise<T> {
  let chain: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
}

export function jitter(ms: number, fraction = 0.1, random = Math.random): number {
  return Math.max(1, Math.round(ms * (1 - fraction + 2 * fraction * random())));
}
