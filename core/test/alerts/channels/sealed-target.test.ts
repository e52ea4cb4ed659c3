// Pure checks of the stored form of channel targets (sealed-target.ts): no
// plaintext target a provider stores is taken for a sealed one, sealing and
// opening round-trip, email stays readable, a wrong key names no target.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSealedTarget, openTarget, sealTarget, shownTarget } from "../../../src/alerts/channels/sealed-target.ts";
import { PROVIDERS } from "../../../src/alerts/channels/registry.ts";

const KEY = randomBytes(32);
const TG = "123456789:AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg";
/** One target of each type, as its provider stores it. */
const PLAIN: [keyof typeof PROVIDERS, string][] = [
  ["email", "ops@example.com,cto@example.com"],
  ["webhook", "https://hooks.example.com/borela"],
  ["slack", "https://hooks.slack.com/services/T0/B0/abcdefghijkl"],
  ["discord", "https://discord.com/api/webhooks/1234567890123/discordSecretToken_abcdef"],
  ["teams", "https://prod.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=teamsSig"],
  ["telegram", `${TG}/-100123`],
  ["ntfy", "https://ntfy.sh/borela-alerts"],
  ["pushover", "azGDORePK8gMaC0QOYAMyEEuzJnyUi/uQiRzpo4DXghDmr9QzzfQu27cmVRsG"],
  ["gotify", "https://push.example.com/"],
  ["matrix", "https://matrix.example.org/!AbCdEf:example.org"],
  ["mattermost", "https://chat.example.com/hooks/xjb7k3tp4fg"],
  ["pagerduty", "R0123456789abcdef0123456789abcde"],
  ["opsgenie", "eb243592-faa2-4ba2-a551-1afdf565c889"],
];

describe("sealed channel targets", () => {
  it("no plaintext target is taken for a sealed one; every type but email is sealed and opens to itself", () => {
    for (const [type, target] of PLAIN) {
      expect(PROVIDERS[type].checkTarget(target, true), type).toBe(target);
      expect(isSealedTarget(target), type).toBe(false);
      const stored = sealTarget(KEY, type, target);
      if (type === "email") expect(stored).toBe(target);
      else {
        expect(isSealedTarget(stored), type).toBe(true);
        expect(stored, type).not.toContain(target.slice(-8));
      }
      expect(openTarget(KEY, stored), type).toBe(target);
      expect(shownTarget(KEY, type, stored), type).toBe(PROVIDERS[type].display(target));
    }
  });

  it("sealing is not applied twice, and each seal uses a fresh IV", () => {
    const once = sealTarget(KEY, "telegram", `${TG}/42`);
    expect(sealTarget(KEY, "telegram", once)).toBe(once);
    expect(sealTarget(KEY, "telegram", `${TG}/42`)).not.toBe(once);
  });

  it("a different key is a clear error without the target, and the API shows \"…\"", () => {
    const stored = sealTarget(KEY, "telegram", `${TG}/42`);
    let message = "";
    try {
      openTarget(randomBytes(32), stored);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^the stored target cannot be decrypted with this core's secret key \(BORELA_SECRET_KEY, or the key file/);
    expect(message).toContain("Start the core with the key that sealed it");
    expect(message).not.toContain("AAEh");
    expect(shownTarget(randomBytes(32), "telegram", stored)).toBe("…");
  });
});
