// Secrets never leave the agent: not in logs, not in heartbeats.
//
//   redactSecrets(text: string, known?: string[]): string
//     removes URL userinfo, signed-URL parameters, bearer tokens, and every known secret value
const PATTERNS: Array<[RegExp, string]> = [
  [/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, "$1"],
  [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"]+/gi, "$1REDACTED"],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, "$1REDACTED"],
  [/((?:secret-access-key|secretAccessKey|session-?token|sessionToken|password)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, "$1REDACTED"],
];

export function redactSecrets(text: string, known: Array<string | null | undefined> = []): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  for (const secret of known) {
    if (secret && secret.length >= 4) out = out.split(secret).join("REDACTED");
  }
  return out;
}
