// A channel's secret as an admin pastes it: surrounding whitespace (a copied
// trailing newline) is dropped; what is left must be sendable. Node refuses a
// header value with CR, LF or a character above U+00FF ("Invalid character in
// header content"), so a token that goes in a header must be visible ASCII,
// or every send would fail; no secret may hold a control character.
import { CONTROL } from "../../control.ts";
import { ChannelFieldError, type Provider } from "./provider.ts";

const VISIBLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * Pure: the secret trimmed, or ChannelFieldError naming "secret" (and the offending character's position and
 * code point, never the secret) when it holds a control character, or, for a provider that sends it in a
 * header (`rule.inHeader`), anything but visible ASCII.
 */
export function trimmedSecret(secret: string, rule: Provider["secret"]): string {
  const s = secret.trim();
  const chars = [...s];
  const bad = rule?.inHeader ? chars.findIndex((ch) => !VISIBLE_ASCII.test(ch)) : chars.findIndex((ch) => CONTROL.test(ch));
  if (bad >= 0) {
    const code = `U+${chars[bad].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    const allowed = rule?.inHeader ? "it is sent in an HTTP header, which takes visible ASCII only (no spaces, line breaks, control or non-ASCII characters)" : "control characters and line breaks are refused";
    throw new ChannelFieldError(`secret: character ${bad + 1} (${code}) cannot be used: ${allowed}`);
  }
  if (s.length === 0) throw new ChannelFieldError("secret is empty once surrounding whitespace is removed");
  return s;
}
