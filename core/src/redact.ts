// Secrets kept out of what Borela logs, stores and shows: the one place that
// removes them from text.
//
//   withoutUserinfo(text: string): string
//     pure: "s3://K:S@b/x and smtp://u:p@h" → "s3://b/x and smtp://h" (every URL in the text)
//   withoutSecrets(text: string, secrets: Array<string | null | undefined>, mask = "[redacted]"): string
//     pure: every occurrence of each secret, raw and URL-decoded, replaced by `mask`; empty secrets ignored;
//     and a text that ends in the first 4+ characters of a secret (an answer cut short mid-secret) ends in `mask`
// (A replica URL shown alone is redactReplicaUrl's, litestream/replica-url.ts: it drops query keys too.)

// scheme://userinfo@ — userinfo stops at the first "/", "?", "#", whitespace or quote (URL syntax; quotes for JSON text).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s"'\\]+@/gi;

export function withoutUserinfo(text: string): string {
  return text.replace(USERINFO, "$1");
}

export function withoutSecrets(text: string, secrets: Array<string | null | undefined>, mask = "[redacted]"): string {
  let out = text;
  const all = [...new Set(secrets.flatMap((s) => (s ? [s, safeDecode(s)] : [])))];
  for (const secret of all) out = out.split(secret).join(mask);
  for (const secret of all) {
    for (let n = secret.length - 1; n >= CUT_PREFIX; n--) {
      if (out.endsWith(secret.slice(0, n))) {
        out = out.slice(0, out.length - n) + mask;
        break;
      }
    }
  }
  return out;
}

/** A cut-off secret's start shorter than this stays: three characters name nothing. */
const CUT_PREFIX = 4;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
