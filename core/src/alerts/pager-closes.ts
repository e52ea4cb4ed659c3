// A pager (PagerDuty, Opsgenie) keeps an alert open under the key it was
// raised with: the close must go exactly there, not to whatever the channel
// points at now. Every raise records its full target, sealed (Delivery.sealedTarget,
// channels/sealed-target.ts); a close goes to each target the incident was
// raised at on that channel. A channel deleted while its alerts are open leaves
// one close per open alert behind, bound to where it was raised (no channel
// row: Delivery.channelType and sealedTarget say where), sent by deliver.ts.
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import type { Channel } from "./channels/provider.ts";
import { displayTarget, providerOf, type ChannelType } from "./channels/registry.ts";
import { openTarget, sealTarget } from "./channels/sealed-target.ts";
import { KeyMismatchError } from "./errors.ts";

const RAISES = ["opened", "reminder"] as const;

/** Pure: whether a message of `event` on a channel of `type` raises a pager alert whose target must be kept. */
export function raisesPagerAlert(type: string, event: string): boolean {
  return providerOf(type)?.resolves === "closes" && (RAISES as readonly string[]).includes(event);
}

/**
 * What a delivery records of the channel(s) it used: the type, the display form of the target (sealed like
 * the channel's own target: a display form may still name a room or a host), and the sealed full target
 * of a pager raise. Several channels (a pager closed at each key it was raised at): their display forms joined.
 */
export function usedColumns(secretKey: Buffer, used: Channel[], event: string): { channelType: string; channelTarget: string; sealedTarget?: string } {
  const channel = used[0];
  const shown = used.map((u) => (u.type === "email" ? u.target : displayTarget(u.type, u.target))).join(", ");
  return {
    channelType: channel.type,
    channelTarget: sealTarget(secretKey, channel.type, shown),
    ...(raisesPagerAlert(channel.type, event) ? { sealedTarget: sealTarget(secretKey, channel.type, channel.target) } : {}),
  };
}

/**
 * Pure: the distinct (type, target) pairs of `raised` (opened targets, in the order given), so a key
 * raised twice is closed once.
 */
export function distinctTargets(raised: { type: ChannelType; target: string }[]): { type: ChannelType; target: string }[] {
  const seen = new Set<string>();
  return raised.filter((r) => {
    const k = `${r.type}\u0000${r.target}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Where an incident's pager alert was raised on a channel row: every attempted opened/reminder delivery
 * of it that recorded a sealed target, opened and de-duplicated, oldest first. Empty when it was never
 * raised at a pager (a chat channel, a channel that became a pager later). Throws KeyMismatchError
 * when a stored target cannot be decrypted (BORELA_SECRET_KEY changed): the close waits for the key.
 */
export async function raisedTargets(store: Store, secretKey: Buffer, incidentId: string, channelId: string): Promise<{ type: ChannelType; target: string }[]> {
  const rows = await store.delivery.findMany({
    where: { incidentId, channelId, event: { in: [...RAISES] }, sealedTarget: { not: null }, attempts: { gt: 0 } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { channelType: true, sealedTarget: true },
  });
  return distinctTargets(rows.map((r) => ({ type: r.channelType as ChannelType, target: opened(secretKey, r.sealedTarget!) })));
}

function opened(secretKey: Buffer, sealed: string): string {
  try {
    return openTarget(secretKey, sealed);
  } catch (err) {
    throw new KeyMismatchError(`the target a pager alert was raised at: ${(err as Error).message}`);
  }
}

/** The channel a close bound at deletion goes to (channelType and sealedTarget of its row); null for any other row. */
export function boundChannel(secretKey: Buffer, d: { channelId: string | null; channelType: string | null; sealedTarget: string | null }): Channel | null {
  if (d.channelId || !d.sealedTarget || !d.channelType) return null;
  return { id: null, type: d.channelType as ChannelType, target: opened(secretKey, d.sealedTarget), secret: null };
}

/**
 * Before a channel row is deleted (its deliveries go with it): for each incident it raised a pager alert
 * for and has not closed (no sent "resolved" to it), a pending close bound to each target it was raised
 * at, with no channel row (`<incident>:closes-<channel>-<n>:resolved:0`). Returns how many were left.
 */
export async function bindClosesOfDeletedChannel(store: Store, secretKey: Buffer, channelId: string, at: Date): Promise<number> {
  const raises = await store.delivery.findMany({
    where: { channelId, event: { in: [...RAISES] }, sealedTarget: { not: null }, attempts: { gt: 0 }, incidentId: { not: null } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { incidentId: true, channelType: true, channelTarget: true, sealedTarget: true },
  });
  const closed = new Set(
    (await store.delivery.findMany({ where: { channelId, event: "resolved", status: "sent" }, select: { incidentId: true } })).map((d) => d.incidentId),
  );
  let bound = 0;
  // A sealed target's ciphertext differs per raise (random IV): compare the targets themselves.
  const seen = new Set<string>();
  for (const r of raises) {
    if (closed.has(r.incidentId)) continue;
    let target = r.sealedTarget!;
    try {
      target = openTarget(secretKey, target);
    } catch {
      // Undecryptable: kept as its own close, which will fail and say why.
    }
    const k = `${r.incidentId}\u0000${r.channelType}\u0000${target}`;
    if (seen.has(k)) continue;
    seen.add(k);
    await store.delivery.create({
      data: {
        id: newId(),
        incidentId: r.incidentId,
        channelId: null,
        event: "resolved",
        dedupeKey: `${r.incidentId}:closes-${channelId}-${seen.size}:resolved:0`,
        channelType: r.channelType,
        channelTarget: r.channelTarget,
        sealedTarget: r.sealedTarget,
        status: "pending",
        createdAt: at,
        nextAttemptAt: at,
      },
    });
    bound++;
  }
  return bound;
}
