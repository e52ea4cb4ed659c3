// A memo of cron answers by expression. For an instant `now` a cron's answers are three fire times (ms since
// the epoch): `prev`, the latest fire before `now`; `next`, the first strictly after; `after`, the one after
// `next`. When `now` is not itself a fire time, no fire time lies strictly between `prev` and `next`, so
// every instant t with prev < t < next has the same three answers: one parse serves every question asked
// inside that window. Fire times fall on whole seconds, so an instant on a whole second (it may be a fire
// time, where cron-parser answers the fires around it) is parsed and its window not kept.

export interface CronWindow {
  prev: number;
  next: number;
  after: number;
}

/** Expressions kept at most; past it the memo starts over (a project's schedule is one of them). */
export const MAX_WINDOWS = 20_000;

export class CronWindows {
  private readonly byCron = new Map<string, CronWindow>();
  parses = 0;

  /** `parse(cron, now)`: the window around `now`, throwing on a bad expression (nothing is kept then). */
  constructor(private readonly parse: (cron: string, now: Date) => CronWindow, private readonly max = MAX_WINDOWS) {}

  at(cron: string, now: Date): CronWindow {
    const t = now.getTime();
    const kept = this.byCron.get(cron);
    if (kept && kept.prev < t && t < kept.next) return kept;
    const w = this.parse(cron, now);
    this.parses++;
    if (t % 1000 === 0) return w;
    if (this.byCron.size >= this.max && !kept) this.byCron.clear();
    this.byCron.set(cron, w);
    return w;
  }
}
