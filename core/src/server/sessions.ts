// Dashboard sign-in: an optional password (scrypt, in the Setting table) and
// cookie sessions. Only a SHA-256 of a session id is stored, so a copy of the
// database does not let anyone sign in.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Store } from "../store/db.ts";
import { hashToken } from "./tokens.ts";

export const SESSION_COOKIE = "borela_session";
export const SESSION_TTL_SECONDS = 7 * 86400;
export const PASSWORD_SETTING = "dashboardPasswordHash";

const SCRYPT = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** "scrypt$N$r$p$salt$key", parameters kept so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split("$");
  if (kind !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export async function storedPasswordHash(store: Store): Promise<string | null> {
  return (await store.setting.findUnique({ where: { key: PASSWORD_SETTING } }))?.value ?? null;
}

/** Sets the password only when none exists; false when one already does. */
export async function setFirstPassword(store: Store, password: string): Promise<boolean> {
  const value = await hashPassword(password);
  try {
    await store.setting.create({ data: { key: PASSWORD_SETTING, value } });
    return true;
  } catch {
    return false;
  }
}

/** Where a session was signed in from: shown in the session list so the operator can tell sessions apart. */
export interface SessionOrigin {
  userAgent: string | null;
  address: string | null;
}

export async function createSession(store: Store, origin: SessionOrigin, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
  await store.session.deleteMany({ where: { expiresAt: { lte: now } } });
  await store.session.create({
    data: { id: hashToken(token), expiresAt, userAgent: origin.userAgent?.slice(0, 300) ?? null, address: origin.address },
  });
  return { token, expiresAt };
}

function plausible(token: string | undefined): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{20,100}$/.test(token);
}

/** A session's id in the API: the SHA-256 (hex) of its cookie value, which is what the table stores. */
export function sessionIdOf(token: string | undefined): string | null {
  return plausible(token) ? hashToken(token) : null;
}

export async function sessionValid(store: Store, token: string | undefined, now = new Date()): Promise<boolean> {
  if (!plausible(token)) return false;
  const session = await store.session.findUnique({ where: { id: hashToken(token) } });
  return session !== null && session.expiresAt > now;
}

export async function deleteSession(store: Store, token: string | undefined): Promise<void> {
  if (plausible(token)) await store.session.deleteMany({ where: { id: hashToken(token) } });
}

/** Sessions that have not expired, newest first. */
export async function listSessions(store: Store, now = new Date()) {
  return store.session.findMany({ where: { expiresAt: { gt: now } }, orderBy: { createdAt: "desc" } });
}

/** Ends one session by its id; false when there is no such session. */
export async function endSession(store: Store, id: string): Promise<boolean> {
  return (await store.session.deleteMany({ where: { id } })).count > 0;
}

/** Signs out everywhere: ends every session; returns how many there were. */
export async function endAllSessions(store: Store): Promise<number> {
  return (await store.session.deleteMany({})).count;
}

/** Sets or replaces the dashboard password and ends every session, in one transaction. */
export async function changePassword(store: Store, password: string): Promise<void> {
  const value = await hashPassword(password);
  await store.$transaction([
    store.setting.upsert({ where: { key: PASSWORD_SETTING }, create: { key: PASSWORD_SETTING, value }, update: { value } }),
    store.session.deleteMany({}),
  ]);
}

const SIGNED_UNDER = "sessionsAdminTokenHash";

/**
 * Ends every session when the admin token is not the one the sessions were signed in under (the core was
 * restarted with another BORELA_ADMIN_TOKEN), then remembers the current one. `adminTokenHash` is the
 * SHA-256 (hex) of the admin token. Returns how many sessions ended. A database from before this check
 * has no remembered hash: its sessions end once.
 */
export async function endSessionsOnAdminTokenChange(store: Store, adminTokenHash: string): Promise<number> {
  const signedUnder = await store.setting.findUnique({ where: { key: SIGNED_UNDER } });
  if (signedUnder && (await verifyPassword(adminTokenHash, signedUnder.value))) return 0;
  // Kept scrypt-hashed: a configured token may be short, and a copy of the database must not help guess it.
  const value = await hashPassword(adminTokenHash);
  const [ended] = await store.$transaction([
    store.session.deleteMany({}),
    store.setting.upsert({ where: { key: SIGNED_UNDER }, create: { key: SIGNED_UNDER, value }, update: { value } }),
  ]);
  return ended.count;
}

/** The auth plugin's `adminSession` check: a valid session cookie signs the request in. */
export function sessionChecker(store: Store) {
  return (request: FastifyRequest) => sessionValid(store, request.cookies?.[SESSION_COOKIE]);
}
