// Target checks shared by providers: an http(s) URL whose host the core may
// reach, and "[<API base URL>/]<key>/<key>" targets whose keys are the last
// path segments, the base defaulting to the provider's real API host.
import { hostProblem } from "../target-address.ts";
import { ChannelFieldError } from "./provider.ts";

/** An http(s) URL whose literal host is allowed (names are checked again at every send); ChannelFieldError naming "target". */
export function urlTarget(target: string, type: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ChannelFieldError(`target ${JSON.stringify(target)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ChannelFieldError(`target ${JSON.stringify(target)} must be an http(s) URL for a ${type} channel`);
  // fetch-style senders never turn userinfo into an Authorization header: refuse it rather than drop it.
  if (url.username || url.password) throw new ChannelFieldError(`target: credentials in the URL (user:password@) are not sent; remove them${secretHint(type)}`);
  const problem = hostProblem(url.hostname, allowPrivate);
  if (problem) throw new ChannelFieldError(`target is refused: ${problem}`);
  return url;
}

function secretHint(type: string): string {
  return type === "webhook" || type === "ntfy" || type === "gotify" || type === "matrix" ? " and use the secret field" : "";
}

export interface KeyedTarget {
  /** The API base, without a trailing slash ("https://api.telegram.org"). */
  base: string;
  keys: string[];
}

/**
 * Splits "<k1>/<k2>" or "http(s)://host[:port][/prefix]/<k1>/<k2>" into the API base (defaultBase when no URL
 * is given) and `count` keys, each checked against its pattern; ChannelFieldError names the key that is wrong.
 */
export function keyedTarget(target: string, type: string, defaultBase: string, keys: { name: string; pattern: RegExp; example: string }[], allowPrivate: boolean): KeyedTarget {
  let base = defaultBase;
  let path = target.trim();
  if (/^https?:\/\//i.test(path)) {
    const url = urlTarget(path, type, allowPrivate);
    const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (segments.length < keys.length) throw new ChannelFieldError(`target must end with ${keys.map((k) => `<${k.name}>`).join("/")} for a ${type} channel`);
    base = `${url.origin}${segments.length > keys.length ? `/${segments.slice(0, -keys.length).join("/")}` : ""}`;
    path = segments.slice(-keys.length).join("/");
  }
  const parts = path.split("/");
  if (parts.length !== keys.length) throw new ChannelFieldError(`target must be ${keys.map((k) => `<${k.name}>`).join("/")} for a ${type} channel, e.g. ${keys.map((k) => k.example).join("/")}`);
  keys.forEach((k, i) => {
    if (!k.pattern.test(parts[i])) throw new ChannelFieldError(`target: the ${k.name} (part ${i + 1} of ${keys.length}) does not look like one, e.g. ${k.example}`);
  });
  return { base, keys: parts };
}

/** The stored form: keys alone when the base is the default, else base/keys. */
export function keyedTargetString(t: KeyedTarget, defaultBase: string): string {
  return t.base === defaultBase ? t.keys.join("/") : `${t.base}/${t.keys.join("/")}`;
}

