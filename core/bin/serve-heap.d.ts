/** See serve-heap.js. */
export const SERVE_V8_FLAGS: string[];
export function serveHeapArgv(args: string[], execArgv: string[]): string[] | null;
export function execServeWithHeap(script: string): void;
