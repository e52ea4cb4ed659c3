// Providers addressed by "[<API base URL>/]<key>/<key>" (PagerDuty, Opsgenie,
// Pushover, Telegram): one parse (target.ts keyedTarget), the stored form and
// the display form, from the provider's type, default API base and keys.
import { basePrefix, stored } from "./display.ts";
import { keyedTarget, keyedTargetString, type KeyedTarget } from "./target.ts";

export interface KeySpec {
  name: string;
  pattern: RegExp;
  example: string;
}

export interface KeyedApi {
  /** The target's API base and keys; ChannelFieldError names the key that is wrong. */
  parse(target: string, allowPrivate: boolean): KeyedTarget;
  /** The stored form (keys alone when the base is the default), or ChannelFieldError. */
  checkTarget(target: string, allowPrivate: boolean): string;
  /** The base when it is not the default, then `show(keys)`; "…" when the stored target no longer parses. */
  display(target: string, show: (keys: string[]) => string): string;
}

export function keyedApi(type: string, defaultBase: string, keys: KeySpec[]): KeyedApi {
  const parse = (target: string, allowPrivate: boolean) => keyedTarget(target, type, defaultBase, keys, allowPrivate);
  return {
    parse,
    checkTarget: (target, allowPrivate) => keyedTargetString(parse(target, allowPrivate), defaultBase),
    display(target, show) {
      const t = stored(() => parse(target, true));
      return t ? `${basePrefix(t.base, defaultBase)}${show(t.keys)}` : "…";
    },
  };
}
