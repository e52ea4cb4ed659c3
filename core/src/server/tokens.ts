import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/** A bearer token: a readable prefix and 160 random bits. */
export function generateToken(prefix: "bra" | "bradm"): string {
  return `${prefix}_${randomBytes(20).toString("base64url")}`;
}

/** Tokens carry 160 random bits, so one SHA-256 pass is enough to store them safely. */
export function hashToken(token: string): string {
  // One-shot: no Hash object per request (twice as fast as createHash on every agent request).
  return hash("sha256", token, "hex");
}

export function hashesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "hex");
  const bb = Buffer.from(b, "hex");
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** What the API shows of a token after creation: never the secret part. */
export function tokenHint(token: string): string {
  return `${token.slice(0, token.indexOf("_") + 1)}…${token.slice(-4)}`;
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}
