// How far this process's ArrayBuffer memory (process.memoryUsage().arrayBuffers) rose while something ran:
// sampled every 5 ms, for tests that hold a reader to a few MiB however large the file it reads.

/** Runs `work`; its result, the peak's growth over the start (bytes) and the number of samples taken. */
export async function arrayBufferPeak<T>(work: () => Promise<T>): Promise<{ result: T; growth: number; samples: number }> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  let samples = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    samples++;
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    return { result, growth: peak - base, samples };
  } finally {
    clearInterval(sampler);
  }
}
