// Event-loop health: how long callbacks waited behind blocking work (perf_hooks.monitorEventLoopDelay).
// A core that stalls misses the very silence it exists to detect, so /healthz?details=true shows the
// figures and a warn line names each window whose longest stall passed the threshold.
import { monitorEventLoopDelay } from "node:perf_hooks";

/** Event-loop delay in milliseconds over the open window (the closed one while the open one has no sample), ns → ms. */
export interface EventLoopFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The longest stall since the monitor started. */
  maxSinceStartMs: number;
  windowSeconds: number;
}

interface HistogramLike {
  count: number;
  max: number;
  percentile(p: number): number;
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** Pure: a histogram's figures in ms, rounded to 0.01 ms; zeros for an empty histogram. */
export function figures(h: HistogramLike, maxSinceStartNs: number, windowSeconds: number): EventLoopFigures {
  const empty = h.count === 0;
  return {
    p50Ms: empty ? 0 : ms(h.percentile(50)),
    p99Ms: empty ? 0 : ms(h.percentile(99)),
    maxMs: empty ? 0 : ms(h.max),
    maxSinceStartMs: ms(maxSinceStartNs),
    windowSeconds,
  };
}

/** Pure: whether a window's longest stall deserves a warn line. */
export function stalled(maxMs: number, thresholdMs: number): boolean {
  return maxMs > thresholdMs;
}

export interface EventLoopMonitor {
  figures(): EventLoopFigures;
  stop(): void;
}

/**
 * Starts sampling the event loop every `resolutionMs` (default 10 ms). Every `windowMs` (default 10 s) the
 * window closes: when its longest stall passed `thresholdMs` (default 200 ms), `warn` is called with the
 * window's figures. figures(): percentiles of the open window, max over the closed and the open one.
 */
export function startEventLoopMonitor(
  warn: (fields: EventLoopFigures, message: string) => void,
  options: { thresholdMs?: number; windowMs?: number; resolutionMs?: number } = {},
): EventLoopMonitor {
  const thresholdMs = options.thresholdMs ?? 200;
  const windowMs = options.windowMs ?? 10_000;
  const open = monitorEventLoopDelay({ resolution: options.resolutionMs ?? 10 });
  open.enable();
  let closed: EventLoopFigures | null = null;
  let maxSinceStart = 0;
  const windowSeconds = windowMs / 1000;
  const openMax = () => (open.count ? open.max : 0);

  const timer = setInterval(() => {
    maxSinceStart = Math.max(maxSinceStart, openMax());
    const window = figures(open, maxSinceStart, windowSeconds);
    if (stalled(window.maxMs, thresholdMs)) warn(window, `event loop stalled ${window.maxMs} ms within ${windowSeconds} s (threshold ${thresholdMs} ms)`);
    closed = window;
    open.reset();
  }, windowMs);
  timer.unref();

  return {
    figures() {
      const now = figures(open, Math.max(maxSinceStart, openMax()), windowSeconds);
      if (!closed) return now;
      const base = open.count ? now : { ...closed, maxSinceStartMs: now.maxSinceStartMs };
      return { ...base, maxMs: Math.max(now.maxMs, closed.maxMs) };
    },
    stop() {
      clearInterval(timer);
      open.disable();
    },
  };
}
