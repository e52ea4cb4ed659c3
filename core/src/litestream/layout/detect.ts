// Which Litestream wrote a replica, from what is in storage, and which of its
// layouts a restore uses. Litestream 0.3 writes generations (`generations/…`),
// 0.5 writes LTX files in levels; an app upgraded from 0.3 to 0.5 has both.
// Litestream 0.5.7+ restores either; with both it picks as v0.5.16 replica.go
// shouldUseV3Restore does:
//   - no timestamp: the layout whose newest file (any snapshot, WAL segment or
//     LTX file of any level) is newer; a tie goes to LTX;
//   - with a timestamp: the 0.3 snapshot (newest at or before it, any
//     generation) when it is newer than the newest level-9 LTX snapshot
//     created before it, else LTX.
//
//   detectLayout(listing: ReplicaListing): "ltx" | "generations" | "mixed" | "empty"   pure
//   chooseLayout(listing, timestamp?: Date | null): LayoutChoice                       pure
import { SNAPSHOT_LEVEL, type ReplicaListing } from "../client/replica-client.ts";

export type StoredLayout = "ltx" | "generations" | "mixed" | "empty";

export interface LayoutChoice {
  /** What a 0.5 restore reads (for "mixed", the one it picks); null when the replica holds nothing. */
  layout: "ltx" | "generations" | null;
  stored: StoredLayout;
  /** Why, in words, when the replica holds both layouts. */
  because: string | null;
}

export function detectLayout(listing: ReplicaListing): StoredLayout {
  const ltx = listing.ltx.length > 0;
  const v3 = listing.generations.length > 0;
  return ltx && v3 ? "mixed" : ltx ? "ltx" : v3 ? "generations" : "empty";
}

const newest = (times: Date[]): Date | null => times.reduce<Date | null>((a, t) => (!a || t > a ? t : a), null);

export function chooseLayout(listing: ReplicaListing, timestamp: Date | null = null): LayoutChoice {
  const stored = detectLayout(listing);
  if (stored !== "mixed") return { layout: stored === "empty" ? null : stored, stored, because: null };
  if (!timestamp) {
    const v3 = newest(listing.generations.map((f) => f.modifiedAt))!;
    const ltx = newest(listing.ltx.map((f) => f.createdAt))!;
    return v3 > ltx
      ? { layout: "generations", stored, because: `its newest 0.3 file (${v3.toISOString()}) is newer than its newest LTX file (${ltx.toISOString()})` }
      : { layout: "ltx", stored, because: `its newest LTX file (${ltx.toISOString()}) is as new as or newer than its newest 0.3 file (${v3.toISOString()})` };
  }
  const v3 = newest(listing.generations.filter((f) => f.kind === "snapshot" && f.modifiedAt <= timestamp).map((f) => f.modifiedAt));
  const ltx = newest(listing.ltx.filter((f) => f.level === SNAPSHOT_LEVEL && f.createdAt < timestamp).map((f) => f.createdAt));
  if (v3 && (!ltx || v3 > ltx)) {
    return { layout: "generations", stored, because: `its newest 0.3 snapshot at or before ${timestamp.toISOString()} (${v3.toISOString()}) is newer than any LTX snapshot before it${ltx ? ` (${ltx.toISOString()})` : ""}` };
  }
  return { layout: "ltx", stored, because: ltx ? `its newest LTX snapshot before ${timestamp.toISOString()} (${ltx.toISOString()}) is newer than any 0.3 snapshot at or before it` : `no 0.3 snapshot is at or before ${timestamp.toISOString()}` };
}
