// Which project keeps a replica that several claim (replica-overlap.ts says which claims overlap):
// the first claimant. A replica an operator stored on a project (Project.replicaUrl) outranks any
// agent's report; between reports, the earlier first claim wins (replica-claim-records.ts: when the
// core first saw the project claim the directory as it resolves now, kept when the project's Replica
// rows are made again). A later claimant is refused naming the earlier one, so
// another project's agent token cannot stop the owner's drills and restores. When the order cannot
// be told (two stored claims, the same millisecond, an id without a time), every claimant is
// refused, as before: a replica two projects really share never passes silently for both.
//
//   reportedAtFromId(id): number | null                        pure: ms since the epoch a Replica row's id carries (store/ids.ts
//                                                              newId: its first 10 characters), null for another id shape
//   claimPrecedence(mine, others): Precedence                  pure: owner, later (the earlier claimants) or undecided
//   pairPrecedence(pairs): Precedence                          pure: the same from claims dated pair by pair
import { distinctClaimants, type Claimant } from "./replica-overlap.ts";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const ID_SHAPE = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** The creation time (ms since the epoch, core clock) a newId-shaped id (26 Crockford base32 chars) carries; null for any other id. */
export function reportedAtFromId(id: string): number | null {
  if (!ID_SHAPE.test(id)) return null;
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + ALPHABET.indexOf(ch);
  return t;
}

/** A claim on a replica: `firstAt` is when its project first reported it (ms, null when unknown; ignored for a stored claim). */
export interface DatedClaim extends Claimant {
  firstAt: number | null;
}

export type Precedence =
  | { kind: "owner" }
  | { kind: "later"; earlier: Claimant[] }
  | { kind: "undecided"; claimants: Claimant[] };

/** -1 when `a` came first, 1 when `b` did, 0 when the stored data cannot tell. */
function order(a: DatedClaim, b: DatedClaim): -1 | 0 | 1 {
  if (a.stored !== b.stored) return a.stored ? -1 : 1;
  if (a.stored || a.firstAt === null || b.firstAt === null || a.firstAt === b.firstAt) return 0;
  return a.firstAt < b.firstAt ? -1 : 1;
}

/**
 * Whether this project's claim `mine` keeps a replica the `others` (other projects' overlapping claims,
 * one per row) claim too: `owner` when every other claim came later (or there is none); `later` with the
 * claimants that came first; else `undecided` with the claimants whose order cannot be told.
 * A project's rows are taken together at their earliest first report (unknown when any row's is).
 */
export function claimPrecedence(mine: DatedClaim, others: DatedClaim[]): Precedence {
  return pairPrecedence(earliestPerClaimant(others).map((other) => ({ mine, other })));
}

/**
 * The same verdict from pairs, each dating this project's claim against one other claim on what the two share
 * (replica-claims.ts: the path both report, or the directory both lead to): `later` naming every claimant that
 * came first in its pair, else `undecided` naming those whose pair cannot be told, else `owner`.
 */
export function pairPrecedence(pairs: { mine: DatedClaim; other: DatedClaim }[]): Precedence {
  const earlier: Claimant[] = [];
  const tied: Claimant[] = [];
  for (const { mine, other } of pairs) {
    const first = order(mine, other);
    if (first === 1) earlier.push(other);
    else if (first === 0) tied.push(other);
  }
  if (earlier.length) return { kind: "later", earlier: distinctClaimants(earlier) };
  if (tied.length) return { kind: "undecided", claimants: distinctClaimants(tied) };
  return { kind: "owner" };
}

function earliestPerClaimant(claims: DatedClaim[]): DatedClaim[] {
  const by = new Map<string, DatedClaim>();
  for (const c of claims) {
    const key = `${c.project}\u0000${c.stored}`;
    const seen = by.get(key);
    const firstAt = seen === undefined ? c.firstAt : seen.firstAt === null || c.firstAt === null ? null : Math.min(seen.firstAt, c.firstAt);
    by.set(key, { project: c.project, stored: c.stored, firstAt });
  }
  return [...by.values()];
}
