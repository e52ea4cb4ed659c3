// Secrets kept out of what Borela logs, stores and shows: the one place that
// removes them from text.
//
//   withoutUserinfo(text: string): string
//     pure: "s3://K:S@b/x and smtp://u:p@h" → "s3://b/x and smtp://h" (every URL in the text)
//   withoutSecrets(text: string, secrets: Array<string | null | undefined>, mask = "[redacted]"): string
//     pure: every occurrence of each secret, raw and URL-decoded, replaced by `mask`; empty secrets ignored
// (A replica URL shown alone is redactReplicaUrl's, litestream/replica-url.ts: it drops query keys too.)

// scheme://userinfo@ — userinfo stops at the first "/", "?", "#", whitespace or quote (URL syntax; quotes for JSON text).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s"'\\]+@/gi;

export function withoutUserinfo(text: string): string {
  return text.replace(USERINFO, "$1");
}

export function withoutSecrets(text: string, secrets: Array<string | null | undefined>, mask = "[redacted]"): string {
  let out = text;
  for (const secret of new Set(secrets.flatMap((s) => (s ? [s, safeDecode(s)] : [])))) out = out.split(secret).join(mask);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
