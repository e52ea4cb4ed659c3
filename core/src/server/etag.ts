// Weak ETags over a response body, so a poll whose answer did not change gets a 304 and no body.
import { createHash } from "node:crypto";

/** `W/"<27 base64url chars of the body's SHA-1>"`; `body` is hashed as its JSON. */
export function weakEtag(body: unknown): string {
  return `W/"${createHash("sha1").update(JSON.stringify(body)).digest("base64url")}"`;
}

/** Whether an `If-None-Match` header (RFC 9110 §13.1.2: `*` or a comma list, weak comparison) matches `etag`. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || bare(t) === bare(etag));
}
