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

export async function createSession(store: Store, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
  await store.session.deleteMany({ where: { expiresAt: { lte: now } } });
  await store.session.create({ data: { id: hashToken(token), expiresAt } });
  return { token, expiresAt };
}

function plausible(token: string | undefined): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{20,100}$/.test(token);
}

export async function sessionValid(store: Store, token: string | undefined, now = new Date()): Promise<boolean> {
  if (!plausible(token)) return false;
  const session = await store.session.findUnique({ where: { id: hashToken(token) } });
  return session !== null && session.expiresAt > now;
}

export async function deleteSession(store: Store, token: string | undefined): Promise<void> {
  if (plausible(token)) await store.session.deleteMany({ where: { id: hashToken(token) } });
}

/** The auth plugin's `adminSession` check: a valid session cookie signs the request in. */
export function sessionChecker(store: Store) {
  return (request: FastifyRequest) => sessionValid(store, request.cookies?.[SESSION_COOKIE]);
}
