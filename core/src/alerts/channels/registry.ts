// Channel type → provider. The `type` strings are part of the API
// (POST /api/v1/alert-channels) and stored in AlertChannel rows: keep them.
import { ChannelType } from "../../generated/prisma/enums.ts";
import { discord } from "./discord.ts";
import { email } from "./email.ts";
import { gotify } from "./gotify.ts";
import { matrix } from "./matrix.ts";
import { mattermost } from "./mattermost.ts";
import { ntfy } from "./ntfy.ts";
import { opsgenie } from "./opsgenie.ts";
import { pagerduty } from "./pagerduty.ts";
import type { Provider } from "./provider.ts";
import { pushover } from "./pushover.ts";
import { slack } from "./slack.ts";
import { teams } from "./teams.ts";
import { telegram } from "./telegram.ts";
import { webhook } from "./webhook.ts";

// The list is the schema's enum ChannelType (prisma/schema.prisma).
export { ChannelType };
export const CHANNEL_TYPES: readonly ChannelType[] = Object.values(ChannelType);

export const PROVIDERS: Record<ChannelType, Provider> = { email, webhook, slack, discord, teams, telegram, ntfy, pushover, gotify, matrix, mattermost, pagerduty, opsgenie };

export function isChannelType(type: string): type is ChannelType {
  return (CHANNEL_TYPES as readonly string[]).includes(type);
}

/** The provider of a stored channel type; undefined for a type this core does not know. */
export function providerOf(type: string): Provider | undefined {
  return isChannelType(type) ? PROVIDERS[type] : undefined;
}

/** What the API and the dashboard show of a channel's target (the provider's display form); "…" for an unknown type. */
export function displayTarget(type: string, target: string): string {
  return providerOf(type)?.display(target) ?? "…";
}
