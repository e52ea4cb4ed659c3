// Parsers for environment values, shared by the core's config.ts and the agent's
// settings.ts (the two modules that read the environment). Pure: values come in
// as arguments (an env object or one raw value), never from the process itself.
//
//   parseInteger(raw, name, min, max): number | undefined     undefined when unset or ""
//   readInt(env, name, fallback, min, max): number        env[name], or fallback when unset or ""
//   parseBool(raw, name): boolean | undefined             1/true/yes/on, 0/false/no/off (any case); undefined when unset or ""
//   parseList(raw): string[]                              comma-separated, items trimmed, empty items dropped
//   parseHttpUrl(raw, name): string | undefined           an absolute http: or https: URL with a host and no user:password@; undefined when unset or ""
// Errors: ConfigError naming the variable (or flag) and the value, e.g.
//   BORELA_PORT="x" is not a whole number between 0 and 65535

export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

export function parseInteger(raw: string | number | undefined, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a whole number between ${min} and ${max}`);
  return n;
}

export function readInt(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  return parseInteger(env[name], name, min, max) ?? fallback;
}

export function parseBool(raw: string | undefined, name: string): boolean | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not true or false`);
}

export function parseHttpUrl(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL (expected http://… or https://…)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${name} must be an http:// or https:// URL, not ${url.protocol}`);
  if (!url.hostname) throw new ConfigError(`${name} has no host`);
  // fetch refuses credentials in a URL, so such a setting could never work.
  if (url.username || url.password) throw new ConfigError(`${name} must not carry user:password@ (fetch refuses it): put the secret in the path or query`);
  return raw;
}

export function parseList(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
