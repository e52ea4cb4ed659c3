// A regained sight (freshness/watching-since.ts: the rule that reads it) and its stored form, one Setting row (sweep-mark.ts SIGHT_KEY) on
// either store: "<since> <blindFrom>" in storeTime text ("-" for an unknown blindFrom). The text sorts
// by `since` first, so the mark's keep-the-greater upsert keeps the latest regained sight.
import { storeTime } from "./time.ts";

/** Sight regained at `since` after a blind gap that began at `blindFrom` (null: unknown, a core's start). */
export interface Sight {
  blindFrom: Date | null;
  since: Date;
}

export function sightText(s: Sight): string {
  return `${storeTime(s.since)} ${s.blindFrom ? storeTime(s.blindFrom) : "-"}`;
}

/** The Sight of a stored text; null for none or an unreadable text. */
export function sightOfText(text: string | null): Sight | null {
  if (!text) return null;
  const [since, from] = text.split(" ");
  const at = new Date(since ?? "");
  const blindFrom = from === "-" ? null : new Date(from ?? "");
  if (Number.isNaN(at.getTime()) || (blindFrom && Number.isNaN(blindFrom.getTime()))) return null;
  return { since: at, blindFrom };
}
