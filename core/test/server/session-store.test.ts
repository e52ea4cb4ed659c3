// Sessions in the real store: ended on an admin token change (the token is
// remembered only scrypt-hashed), on a password change, and one by one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { hashToken } from "../../src/server/tokens.ts";
import { ensureAdminToken } from "../../src/server/admin-token.ts";
import {
  PASSWORD_SETTING,
  changePassword,
  createSession,
  endSession,
  endSessionsOnAdminTokenChange,
  listSessions,
  sessionIdOf,
  sessionValid,
  verifyPassword,
} from "../../src/server/sessions.ts";

let dir: TmpDir;
let store: Store;
beforeAll(async () => {
  dir = await tmpDir("borela-session-store-");
  store = await openStore(dir.path);
});
afterAll(async () => {
  await store?.$disconnect();
  await dir?.remove();
});

const origin = { userAgent: "test", address: "127.0.0.1" };

describe("session store", () => {
  it("ends sessions when the admin token differs from the one they were signed in under, and only then", async () => {
    const first = hashToken("bradm_one");
    await endSessionsOnAdminTokenChange(store, first);
    const a = await createSession(store, origin);
    expect(await endSessionsOnAdminTokenChange(store, first)).toBe(0);
    expect(await sessionValid(store, a.token)).toBe(true);

    const stored = await store.setting.findUnique({ where: { key: "sessionsAdminTokenHash" } });
    expect(stored!.value).toMatch(/^scrypt\$/);
    expect(stored!.value).not.toContain(first);

    expect(await endSessionsOnAdminTokenChange(store, hashToken("bradm_two"))).toBe(1);
    expect(await sessionValid(store, a.token)).toBe(false);
  });

  it("ensureAdminToken reports the sessions it ended; a generated token stays the same across starts", async () => {
    const b = await createSession(store, origin);
    expect((await ensureAdminToken(store, "bradm_two")).sessionsEnded).toBe(0);
    expect(await sessionValid(store, b.token)).toBe(true);
    const generated = await ensureAdminToken(store, null);
    expect(generated.generated).toMatch(/^bradm_/);
    expect(generated.sessionsEnded).toBe(1);
    const c = await createSession(store, origin);
    const again = await ensureAdminToken(store, null);
    expect(again).toMatchObject({ generated: null, sessionsEnded: 0, hash: generated.hash });
    expect(await sessionValid(store, c.token)).toBe(true);
  });

  it("a password change replaces the hash and ends every session", async () => {
    const d = await createSession(store, origin);
    await changePassword(store, "a new password");
    expect(await sessionValid(store, d.token)).toBe(false);
    const stored = await store.setting.findUnique({ where: { key: PASSWORD_SETTING } });
    expect(await verifyPassword("a new password", stored!.value)).toBe(true);
    await changePassword(store, "another password");
    expect(await verifyPassword("a new password", (await store.setting.findUnique({ where: { key: PASSWORD_SETTING } }))!.value)).toBe(false);
  });

  it("lists live sessions with their origin and ends one by its id", async () => {
    const e = await createSession(store, { userAgent: "x".repeat(500), address: "127.0.0.9" });
    const f = await createSession(store, origin);
    await store.session.create({ data: { id: "0".repeat(64), expiresAt: new Date(Date.now() - 1000) } });
    const listed = await listSessions(store);
    expect(listed.map((s) => s.id).sort()).toEqual([sessionIdOf(e.token), sessionIdOf(f.token)].sort());
    expect(listed.find((s) => s.id === sessionIdOf(e.token))).toMatchObject({ address: "127.0.0.9", userAgent: "x".repeat(300) });
    expect(await endSession(store, sessionIdOf(e.token)!)).toBe(true);
    expect(await endSession(store, sessionIdOf(e.token)!)).toBe(false);
    expect(await sessionValid(store, f.token)).toBe(true);
    expect(sessionIdOf("short")).toBeNull();
  });
});
