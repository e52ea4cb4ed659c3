// The admin token comes from BORELA_ADMIN_TOKEN, or is generated on first
// start: only its hash is stored, and the plain token is returned once to print.
// Dashboard sessions signed in under another admin token end here.
import type { Store } from "../store/db.ts";
import { generateToken, hashToken } from "./tokens.ts";
import { endSessionsOnAdminTokenChange } from "./sessions.ts";

const KEY = "adminTokenHash";

/** `sessionsEnded`: sessions ended because the admin token differs from the one they were signed in under. */
export async function ensureAdminToken(
  store: Store,
  configured: string | null,
): Promise<{ hash: string; generated: string | null; sessionsEnded: number }> {
  const { hash, generated } = await settleAdminToken(store, configured);
  return { hash, generated, sessionsEnded: await endSessionsOnAdminTokenChange(store, hash) };
}

/** Whether ensureAdminToken would generate (and store) a new token: none configured and none stored. */
export async function mustGenerateAdminToken(store: Store, configured: string | null): Promise<boolean> {
  return !configured && !(await store.setting.findUnique({ where: { key: KEY } }));
}

async function settleAdminToken(store: Store, configured: string | null): Promise<{ hash: string; generated: string | null }> {
  if (configured) return { hash: hashToken(configured), generated: null };
  const existing = await store.setting.findUnique({ where: { key: KEY } });
  if (existing) return { hash: existing.value, generated: null };
  const token = generateToken("bradm");
  await store.setting.create({ data: { key: KEY, value: hashToken(token) } });
  return { hash: hashToken(token), generated: token };
}
