// A channel is where alerts go: email, a signed webhook, chat and push apps,
// pagers. Each provider lives in channels/<type>.ts (render, send, how it
// resolves); channels/registry.ts maps a channel's type to it.
import type { AlertContext } from "./message.ts";
import { PermanentDeliveryError } from "./errors.ts";
import { ChannelFieldError, type Channel, type Senders } from "./channels/provider.ts";
import { providerOf } from "./channels/registry.ts";
import { channelSecrets } from "./channels/channel-secrets.ts";
import { cleanReportedText } from "./channels/reported-text.ts";
import { clip } from "./channels/text.ts";
import { withoutSecrets } from "../redact.ts";

export { CHANNEL_TYPES, type ChannelType } from "./channels/registry.ts";
export type { Channel, Senders } from "./channels/provider.ts";

/**
 * Renders the alert for the channel's provider and sends it; resolves with what the receiver answered.
 * A type this core does not know, or a stored target its provider refuses, fails permanently. Reported text
 * reaches the provider without controls or bidi overrides (reported-text.ts). The channel's secrets go to
 * the provider in `senders.secrets`: sendHttp redacts a receiver's answer before it cuts it. An error's message has every secret of the channel replaced by "[redacted]"
 * (channel-secrets.ts) and is cut to 500 characters before anyone logs, stores or returns it.
 */
export async function send(channel: Channel, c: AlertContext, senders: Senders): Promise<string> {
  const provider = providerOf(channel.type);
  if (!provider) throw new PermanentDeliveryError(`alert channel ${channel.id ?? ""} has an unknown type ${JSON.stringify(channel.type)}`);
  try {
    return await provider.send(channel, cleanReportedText(c), { ...senders, secrets: channelSecrets(channel) });
  } catch (err) {
    if (err instanceof ChannelFieldError) throw new PermanentDeliveryError(`${channel.type} channel: ${redacted(channel, err.message)}`);
    if (err instanceof Error) err.message = redacted(channel, err.message);
    throw err;
  }
}

function redacted(channel: Channel, text: string): string {
  return clip(withoutSecrets(text, channelSecrets(channel)), 500);
}
