// What the dashboard's "Add an alert channel" form shows per channel type, in
// the order of its Type menu: one row each in channel-types.json (the menu's
// label, the target field's name, placeholder and help, and the secret field
// for the types that take one). The core's own words per type are in
// core/src/alerts/channels/<type>.ts (targetHelp, secret).
import table from "./channel-types.json" with { type: "json" };

export interface ChannelTypeHelp {
  label: string;
  /** The target field's label: "Email addresses", "URL" or "Target". */
  field: string;
  placeholder: string;
  help: string;
  /** Only for the types that take a secret; minLength in characters. */
  secret?: { label: string; help: string; required: boolean; minLength: number };
}

export const CHANNEL_TYPES: Record<string, ChannelTypeHelp> = table;
