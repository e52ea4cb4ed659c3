// Text helpers the providers share: cutting to a provider's limit (in UTF-16
// characters or in UTF-8 bytes, as the provider counts) without cutting a code
// span, an entity or a surrogate pair open, and what a code span may hold.

/** How a provider measures a text: UTF-16 code units (String.length), or UTF-8 bytes. */
export type Measure = (s: string) => number;
export const chars: Measure = (s) => s.length;
export const utf8Bytes: Measure = (s) => Buffer.byteLength(s, "utf8");
/** Bytes the text takes inside a JSON body (escapes included), for limits on a whole event (Matrix). */
export const jsonBytes: Measure = (s) => Buffer.byteLength(JSON.stringify(s), "utf8") - 2;

/** s, or its longest prefix of whole code points plus "…" whose measure is at most max. */
export function clip(s: string, max: number, measure: Measure = chars): string {
  if (measure(s) <= max) return s;
  const points = [...s];
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${points.slice(0, mid).join("")}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${points.slice(0, lo).join("")}…`;
}

/** clip by UTF-8 bytes. */
export function clipBytes(s: string, maxBytes: number): string {
  return clip(s, maxBytes, utf8Bytes);
}

/** Whole lines up to max (characters by default): a code span or an entity is never cut open (a cut one would let the rest out of it). */
export function clipLines(lines: string[], max: number, tooLong = "restore command too long to show; see the dashboard", measure: Measure = chars): string {
  let out = "";
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line;
    if (measure(next) > max) return out || tooLong;
    out = next;
  }
  return out;
}

/**
 * Rendered rows joined by "\n", at most max (in `measure`): whole rows while they fit; the first that does not
 * is kept with its value cut at a character boundary before rendering (so no entity, tag or code span is cut
 * open) and "…", then `more` on its own line. render(label, value, index) escapes and formats one row.
 */
export function fitRows(rows: [string, string][], render: (label: string, value: string, i: number) => string, max: number, more: string, measure: Measure = chars): string {
  const lines: string[] = [];
  const size = (ls: string[]) => measure(ls.join("\n"));
  for (const [i, [k, v]] of rows.entries()) {
    const line = render(k, v, i);
    if (size([...lines, line]) <= max) {
      lines.push(line);
      continue;
    }
    const cut = clip(v, max, (x) => size([...lines, render(k, x, i), more]));
    if (size([...lines, render(k, cut, i), more]) <= max) lines.push(render(k, cut, i));
    if (size([...lines, more]) <= max) lines.push(more);
    break;
  }
  return lines.join("\n");
}

/** A title or subject on one line: line breaks (and runs of them) become one space. */
export function oneLine(s: string): string {
  return s.replace(/\s*[\r\n\u2028\u2029]+\s*/g, " ");
}

/** Chat code spans cannot escape a backtick: it is shown as U+02CB (ˋ), line breaks as spaces. */
export function codeText(s: string): string {
  return s.replace(/`/g, "\u02cb").replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** What PagerDuty and Opsgenie page about: each incident the message covers (a group's or a summary's items). */
export function incidentsOf<T extends { items?: T[] }>(c: T): T[] {
  return c.items?.length ? c.items : [c];
}
