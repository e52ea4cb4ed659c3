// Who of one recipient is due which notices about one incident. A channel row is one party. An alert-email
// recipient (a project's alertEmails, or BORELA_ALERT_EMAIL: one message to a list of addresses) is as many
// parties as it has addresses, each with its own history, since the list can change while an incident is
// open: an address added then is told the incident opened, and no address is told a notice twice, whatever
// the list became (before, the list's new text made a new recipient and every address heard the opening
// again). Addresses due the same notices share one message, so an unchanged list is one message under the
// key it always had.
//
// An address no message about the incident went to while other addresses of an alert-email list were told
// of it was not on the list then: like a channel made after the incident opened, it is not told of it once
// it is over (decisions.ts: no "missed" summary for a story the others were told).
//
//   recipientParts(recipient, deliveries, due, openedAt): RecipientPart[]   pure
import type { ChannelHistory, DueNotification } from "./decisions.ts";
import { channelKey, deliveryChannel, emailTargetOf, parseDeliveryKey, type ChannelRef } from "./delivery-key.ts";
import { splitEmails, type Recipient } from "./recipients.ts";
import { addressSet } from "./email-addresses.ts";

/** An incident's delivery as planning reads it (Delivery columns). */
export interface PlannedDelivery {
  dedupeKey: string;
  event: string;
  createdAt: Date;
  channelId: string | null;
  target: string | null;
}

export interface RecipientPart {
  /** Where its notices go: the recipient itself, or the addresses of its list due the same notices. */
  channel: ChannelRef & { id: string | null };
  due: DueNotification[];
}

/**
 * `due`: the notices due to a party with this history (decisions.ts dueNotifications, bound to the incident);
 * `openedAt`: the incident's. Returns the parts with something due, each with its notices; addresses keep the
 * list's order.
 */
export function recipientParts(recipient: Recipient, deliveries: PlannedDelivery[], due: (history: ChannelHistory) => DueNotification[], openedAt: Date): RecipientPart[] {
  if (recipient.id !== null || recipient.type !== "email") {
    const key = channelKey(recipient);
    const opened = deliveries.find((d) => d.event === "opened" && deliveryChannel(d) === key);
    const notices = due({ openedClaimedAt: opened?.createdAt ?? null, createdAt: recipient.createdAt });
    return notices.length > 0 ? [{ channel: recipient, due: notices }] : [];
  }
  const emails = deliveries.filter((d) => d.channelId === null).map((d) => ({ ...d, to: addressesOf(d), seq: parseDeliveryKey(d.dedupeKey)?.seq ?? 0 }));
  const groups = new Map<string, { addresses: string[]; due: DueNotification[] }>();
  for (const address of splitEmails(recipient.target)) {
    const told = emails.filter((e) => e.to.has(address.toLowerCase()));
    const heard = told.filter((e) => e.event === "opened").map((e) => e.createdAt.getTime());
    // Not on the list when the others were told: as if added just after the incident opened.
    const joinedLate = told.length === 0 && emails.length > 0 ? new Date(openedAt.getTime() + 1) : null;
    const notices = due({ openedClaimedAt: heard.length > 0 ? new Date(Math.min(...heard)) : null, createdAt: joinedLate }).filter((n) => !told.some((e) => e.event === n.event && e.seq === n.seq));
    if (notices.length === 0) continue;
    const key = JSON.stringify(notices);
    const group = groups.get(key) ?? { addresses: [], due: notices };
    group.addresses.push(address);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ channel: { id: null, type: "email", target: g.addresses.join(",") }, due: g.due }));
}

/** The addresses an email delivery went to, lower-cased (its target; rows made before the column: its key's). */
function addressesOf(d: PlannedDelivery): Set<string> {
  return addressSet(d.target ?? emailTargetOf(deliveryChannel(d) ?? ""));
}
