// Text helpers the providers share: cutting to a provider's limit without
// cutting a code span or an entity open, and what a code span may hold.

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Whole lines up to max characters: a code span or an entity is never cut open (a cut one would let the rest out of it). */
export function clipLines(lines: string[], max: number, tooLong = "restore command too long to show; see the dashboard"): string {
  let out = "";
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line;
    if (next.length > max) return out || tooLong;
    out = next;
  }
  return out;
}

/** Chat code spans cannot escape a backtick: it is shown as U+02CB (ˋ), line breaks as spaces. */
export function codeText(s: string): string {
  return s.replace(/`/g, "\u02cb").replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** What PagerDuty and Opsgenie page about: each incident the message covers (a group's or a summary's items). */
export function incidentsOf<T extends { items?: T[] }>(c: T): T[] {
  return c.items?.length ? c.items : [c];
}
