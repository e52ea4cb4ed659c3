// The pure decisions of store/secret-key-check.ts, and the check against a real SQLite store in-process.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { encryptSecret } from "../../src/store/secrets.ts";
import { KEY_CHECK_SETTING, keyCheckDecision, keyCheckValue, keyMatches, mismatchMessage, SecretKeyMismatchError, verifyStoreKey } from "../../src/store/secret-key-check.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

describe("the check value", () => {
  it("matches its own key only, and holds no key bytes", () => {
    const key = randomBytes(32);
    const value = keyCheckValue(key);
    expect(value).toMatch(/^hmac-sha256-128:[0-9a-f]{32}$/);
    expect(value).not.toContain(key.toString("hex").slice(0, 16));
    expect(keyMatches(key, value)).toBe(true);
    expect(keyMatches(randomBytes(32), value)).toBe(false);
    expect(keyMatches(key, "garbage")).toBe(false);
  });

  it("decides: a stored value decides alone; without one, a stored secret the key cannot open refuses", () => {
    expect(keyCheckDecision(true, null)).toBe("ok");
    expect(keyCheckDecision(false, null)).toBe("refuse");
    expect(keyCheckDecision(null, null)).toBe("write");
    expect(keyCheckDecision(null, true)).toBe("write");
    expect(keyCheckDecision(null, false)).toBe("refuse");
  });

  it("every message names BORELA_SECRET_KEY", () => {
    for (const source of ["variable", "file", "generated"] as const) expect(mismatchMessage(source, "/d/secret.key")).toContain("BORELA_SECRET_KEY");
  });
});

describe("verifyStoreKey on a SQLite store", () => {
  let dir: TmpDir;
  let store: Store;
  afterEach(async () => {
    await store?.$disconnect();
    await dir?.remove();
  });

  it("writes the check value on an empty store, refuses another key after, and a stored secret decides for an old store", async () => {
    dir = await tmpDir("borela-key-check-unit-");
    store = await openStore(dir.path);
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    await verifyStoreKey(store, k1, () => "mismatch");
    await expect(verifyStoreKey(store, k2, () => "mismatch")).rejects.toBeInstanceOf(SecretKeyMismatchError);
    await verifyStoreKey(store, k1, () => "mismatch");

    await store.setting.delete({ where: { key: KEY_CHECK_SETTING } });
    await store.alertChannel.create({ data: { id: "ch1", type: "ntfy", target: encryptSecret(k1, "http://127.0.0.1:9/x"), secretEnc: encryptSecret(k1, "tk") } });
    await expect(verifyStoreKey(store, k2, () => "mismatch")).rejects.toThrow("mismatch");
    expect(await store.setting.findUnique({ where: { key: KEY_CHECK_SETTING } })).toBeNull();
    await verifyStoreKey(store, k1, () => "mismatch");
    expect((await store.setting.findUnique({ where: { key: KEY_CHECK_SETTING } }))?.value).toBe(keyCheckValue(k1));
  });
});
