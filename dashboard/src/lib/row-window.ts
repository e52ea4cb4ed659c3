// Which rows of a long list to render: those in the viewport plus an overscan on each side, with the
// heights of the spacers that stand in for the rest. Pure; the component measures and feeds it.

export interface RowWindow {
  /** First row rendered (inclusive) and the row after the last one rendered (exclusive). */
  start: number;
  end: number;
  /** Heights in px of the spacers before `start` and after `end`. */
  before: number;
  after: number;
}

/**
 * `count` rows of `rowHeight` px each (measured or estimated, at least 1); `top`: px from the viewport's top
 * edge to the first row's top (negative once scrolled past it); `viewport`: the viewport's height in px;
 * `overscan`: rows rendered beyond each edge. Every index is clamped to 0..count.
 */
export function rowWindow(count: number, rowHeight: number, top: number, viewport: number, overscan: number): RowWindow {
  const h = Math.max(1, rowHeight);
  const clamp = (n: number, lo: number) => Math.min(count, Math.max(lo, n));
  const start = clamp(Math.floor(-top / h) - overscan, 0);
  const end = clamp(Math.ceil((viewport - top) / h) + overscan, start);
  return { start, end, before: start * h, after: (count - end) * h };
}
