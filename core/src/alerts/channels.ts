// A channel is where alerts go: email, a signed webhook, chat and push apps,
// pagers. Each provider lives in channels/<type>.ts (render, send, how it
// resolves); channels/registry.ts maps a channel's type to it.
import type { AlertContext } from "./message.ts";
import { PermanentDeliveryError } from "./errors.ts";
import { ChannelFieldError, type Channel, type Senders } from "./channels/provider.ts";
import { providerOf } from "./channels/registry.ts";

export { CHANNEL_TYPES, type ChannelType } from "./channels/registry.ts";
export type { Channel, Senders } from "./channels/provider.ts";

/**
 * Renders the alert for the channel's provider and sends it; resolves with what the receiver answered.
 * A type this core does not know, or a stored target its provider refuses, fails permanently.
 */
export async function send(channel: Channel, c: AlertContext, senders: Senders): Promise<string> {
  const provider = providerOf(channel.type);
  if (!provider) throw new PermanentDeliveryError(`alert channel ${channel.id ?? ""} has an unknown type ${JSON.stringify(channel.type)}`);
  try {
    return await provider.send(channel, c, senders);
  } catch (err) {
    if (err instanceof ChannelFieldError) throw new PermanentDeliveryError(`${channel.type} channel: ${err.message}`);
    throw err;
  }
}
