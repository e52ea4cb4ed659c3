// Numbers and times as people read them.
import { formatBytes } from "../../../core/src/words/bytes.ts";

/** Binary units, as the core words them (core/src/words/bytes.ts): "512 B", "2.7 KiB", "16 MiB"; "—" for none. */
export function bytes(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : formatBytes(n);
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return "—";
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 >= 1 ? ` ${Math.round(s % 60)} s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** "just now", "12 s ago", "3 min ago", "5 h ago", "2 d ago". */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return "never";
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 2) return "just now";
  if (s < 60) return `${Math.floor(s)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** "1 project", "2 projects": the noun agrees with its count. */
export function plural(n: number, noun: string): string {
  return n === 1 ? noun : `${noun}s`;
}

/** How long something has lasted since `iso`: "for 42 s", "for 3 min", "for 2 d"; "for a moment" under 2 s. */
export function lasting(iso: string | null | undefined, now: number): string {
  if (!iso) return "never";
  const words = ago(iso, now);
  return words === "just now" ? "for a moment" : `for ${words.replace(/ ago$/, "")}`;
}

// Made once: toLocaleString builds a formatter on every call, which thousands of rows felt (issue 18).
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const COUNT = new Intl.NumberFormat();

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return DATE_TIME.format(Date.parse(iso));
}

export function count(n: number): string {
  return COUNT.format(n);
}

type AnyPosition = { generation: string | null; index: number; offset: number; txid?: number } | null;

/** Litestream's short form of a position, as its logs print it: 0.3 "be7a0689/00000000:131872", 0.5's TXID "000000000000002a". */
export function position(p: AnyPosition): string {
  if (!p) return "—";
  if (p.txid != null) return p.txid.toString(16).padStart(16, "0");
  return `${p.generation ? `${p.generation.slice(0, 8)}/` : ""}${p.index.toString(16).padStart(8, "0")}:${p.offset}`;
}

/** The same position in words: "generation be7a0689, WAL index 0, offset 131872" or "TXID 42". */
export function positionWords(p: AnyPosition): string {
  if (!p) return "no position yet";
  if (p.txid != null) return `TXID ${p.txid.toLocaleString("en")}`;
  return `${p.generation ? `generation ${p.generation.slice(0, 8)}, ` : ""}WAL index ${p.index}, offset ${p.offset.toLocaleString("en")}`;
}

/** "in 3 days", "in 5 h", "in 12 min", "now" for a future time. */
export function until(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const s = (Date.parse(iso) - now) / 1000;
  if (s < 60) return "now";
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 86400) return `in ${Math.round(s / 3600)} h`;
  const d = Math.round(s / 86400);
  return `in ${d} day${d === 1 ? "" : "s"}`;
}

/** "Sat 11:48 UTC": the schedule runs in UTC, so its times are shown in UTC. */
export function utcTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  return `${day} ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} UTC`;
}
