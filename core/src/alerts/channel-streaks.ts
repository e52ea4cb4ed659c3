// The failing streak of each of a project's recipients, from the attempt logs of
// their latest deliveries (channel-health.ts decides; this reads the rows).
import type { Store } from "../store/db.ts";
import { parseLog } from "./attempt.ts";
import { failingStreak, type FailingStreak } from "./channel-health.ts";
import { channelKey, deliveryChannel, type ChannelRef } from "./delivery-key.ts";

/** Deliveries read per pass: enough for a dozen retries of several messages. */
const LATEST = 50;

/**
 * channelKey(recipient) → its failing streak (null when its latest attempt succeeded or it has none).
 * Channel rows are read by channelId (an operator channel's attempts for any project count); alert emails
 * that are not rows by their delivery target, among this project's incidents.
 */
export async function channelStreaks(store: Store, projectId: string, recipients: ChannelRef[]): Promise<Map<string, FailingStreak | null>> {
  const ids = recipients.flatMap((r) => r.id ?? []);
  const rows = await store.delivery.findMany({
    where: { attempts: { gt: 0 }, OR: [{ channelId: { in: ids } }, { channelId: null, incident: { projectId } }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: LATEST,
    select: { channelId: true, target: true, log: true },
  });
  const streaks = new Map<string, FailingStreak | null>();
  for (const r of recipients) {
    const key = channelKey(r);
    const mine = rows.filter((d) => deliveryChannel(d) === key);
    streaks.set(key, failingStreak(mine.flatMap((d) => parseLog(d.log))));
  }
  return streaks;
}
