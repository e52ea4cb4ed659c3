// What the API and the dashboard show of a channel's target: enough to tell
// channels apart, never the part that works as a password (a chat webhook's
// path, a bot token, an integration key, URL credentials). Pure.

/** "…" and the last 4 characters of a key ("…c889"); "…" alone for a key of 8 characters or fewer. */
export function keyTail(key: string): string {
  return key.length > 8 ? `…${key.slice(-4)}` : "…";
}

/**
 * A URL without its secret: the origin (never user:password@), the path segments before the last
 * `secretSegments` as they are, then the first 2 characters of the first secret segment and "…" for the
 * rest; a query or fragment shows as "?…" / "#…". "https://hooks.slack.com/services/T0…/…" for Slack's
 * /services/<team>/<bot>/<token> with 3 secret segments. A target that is not a URL shows as "…".
 */
export function maskedUrl(target: string, secretSegments = Number.POSITIVE_INFINITY): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return "…";
  }
  const segments = url.pathname.split("/").filter(Boolean);
  const kept = Math.max(0, segments.length - secretSegments);
  const secret = segments.slice(kept);
  const tail = secret.length ? [`${secret[0].slice(0, 2)}…`, ...(secret.length > 1 ? ["…"] : [])] : [];
  const path = [...segments.slice(0, kept), ...tail].join("/");
  return `${url.origin}${path ? `/${path}` : ""}${url.search ? "?…" : ""}${url.hash ? "#…" : ""}`;
}

/** A keyed target's API base when it is not the provider's default, as a prefix ("http://127.0.0.1:8081 "). */
export function basePrefix(base: string, defaultBase: string): string {
  return base === defaultBase ? "" : `${maskedUrl(base, 0)} `;
}

/** A stored target parsed again for display, or null when it no longer parses (shown as "…"). */
export function stored<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}
