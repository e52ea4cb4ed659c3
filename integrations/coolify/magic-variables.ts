// Coolify's magic variables, substituted the way Coolify does it before it
// runs a template: generated once per deployment, so the same name always
// yields the same value. SERVICE_URL_<SERVICE>_<PORT> / SERVICE_FQDN_<...>
// become the service's URL / host; SERVICE_PASSWORD_[64_]<NAME>,
// SERVICE_BASE64_[64_|128_]<NAME> and SERVICE_USER_<NAME> random strings.
import { randomBytes } from "node:crypto";

const PATTERN = /\$\{(SERVICE_(?:URL|FQDN|PASSWORD|BASE64|USER)_[A-Z0-9_]+)\}/g;

function generate(name: string, domain: string): string {
  if (name.startsWith("SERVICE_URL_")) return `https://${domain}`;
  if (name.startsWith("SERVICE_FQDN_")) return domain;
  if (name.startsWith("SERVICE_USER_")) return randomBytes(12).toString("base64url").slice(0, 16);
  const length = /_(64|128)_/.exec(name)?.[1];
  if (name.startsWith("SERVICE_PASSWORD_")) return randomBytes(64).toString("base64url").slice(0, length ? Number(length) : 32);
  return randomBytes(128).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, length ? Number(length) : 32);
}

/** Returns the template with every ${SERVICE_...} replaced, and the values chosen. */
export function substituteMagicVariables(template: string, domain = "borela.example.com", values = new Map<string, string>()) {
  const text = template.replace(PATTERN, (_, name: string) => {
    if (!values.has(name)) values.set(name, generate(name, domain));
    return values.get(name)!;
  });
  return { text, values };
}
