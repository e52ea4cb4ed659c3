// The admin token comes from BORELA_ADMIN_TOKEN, or is generated on first
// start: only its hash is stored, and the plain token is returned once to print.
import type { Store } from "../store/db.ts";
import { generateToken, hashToken } from "./tokens.ts";

const KEY = "adminTokenHash";

export async function ensureAdminToken(store: Store, configured: string | null): Promise<{ hash: string; generated: string | null }> {
  if (configured) return { hash: hashToken(configured), generated: null };
  const existing = await store.setting.findUnique({ where: { key: KEY } });
  if (existing) return { hash: existing.value, generated: null };
  const token = generateToken("bradm");
  await store.setting.create({ data: { key: KEY, value: hashToken(token) } });
  return { hash: hashToken(token), generated: token };
}
