// The addresses of an alert-email list as alert planning and delivery compare them: trimmed, lower-cased
// (the list's text varies as it is edited: order, case, spaces, addresses added or removed, and
// recipient-parts.ts writes one list per group of addresses due the same notices).
//
//   addressSet(list): Set<string>              pure
//   sharesAddress(a, b): boolean               pure: whether two lists name one address in common
//   sameRecipients(a, b): boolean              pure: two Delivery rows to the same channel row, or to lists sharing an address
import { splitEmails } from "./recipients.ts";

export function addressSet(list: string | null | undefined): Set<string> {
  return new Set(splitEmails(list).map((a) => a.toLowerCase()));
}

export function sharesAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  const mine = addressSet(a);
  for (const address of addressSet(b)) if (mine.has(address)) return true;
  return false;
}

/** The same channel row, or (neither a row) alert-email lists with an address in common. */
export function sameRecipients(a: { channelId: string | null; target: string | null }, b: { channelId: string | null; target: string | null }): boolean {
  return a.channelId !== null || b.channelId !== null ? a.channelId === b.channelId : sharesAddress(a.target, b.target);
}
