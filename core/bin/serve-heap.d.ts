/** See serve-heap.js. */
export const SERVE_V8_FLAGS: string[];
export function serveHeapArgv(args: string[], execArgv: string[], nodeOptions: string): string[] | null;
export function execServeWithHeap(script: string): void;
