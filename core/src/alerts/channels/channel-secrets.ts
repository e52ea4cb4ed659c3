// What of a channel must never be logged, stored or shown in the clear: its
// secret, its whole target, and each part of the target its display form
// (display.ts) hides (a webhook's secret path segment, a bot token, a key, a
// query value). Email addresses are not secrets.
import type { Channel } from "./provider.ts";
import { displayTarget } from "./registry.ts";

/** Pure: the channel's secret values, longest first (for redact.ts withoutSecrets); parts of 4 characters or fewer are left. */
export function channelSecrets(channel: Channel): string[] {
  const out = new Set<string>();
  if (channel.secret) out.add(channel.secret);
  if (channel.type !== "email" && channel.target) {
    out.add(channel.target);
    const shown = displayTarget(channel.type, channel.target);
    const path = channel.target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "");
    for (const part of path.split(/[/?&=#]/)) if (part.length > 4 && !shown.includes(part)) out.add(part);
  }
  return [...out].sort((a, b) => b.length - a.length);
}
