// The display form of each provider's target (pure): what tells channels
// apart stays, what works as a password does not.
import { describe, expect, it } from "vitest";
import { maskedUrl } from "../../../src/alerts/channels/display.ts";
import { displayTarget } from "../../../src/alerts/channels/registry.ts";

describe("display forms", () => {
  it.each([
    ["slack", "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefSECRETxyz", "https://hooks.slack.com/services/T0…/…"],
    ["discord", "https://discord.com/api/webhooks/1234567890/SECRETtoken", "https://discord.com/api/webhooks/12…/…"],
    ["mattermost", "https://chat.example.com/hooks/SECRETkey", "https://chat.example.com/hooks/SE…"],
    ["teams", "https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SECRET", "https://prod-01.westus.logic.azure.com/wo…/…?…"],
    ["webhook", "https://hooks.example.com/catch/SECRET?token=SECRET", "https://hooks.example.com/ca…/…?…"],
    ["ntfy", "https://ntfy.sh/SECRETtopic", "https://ntfy.sh/SE…"],
    // The path before the topic is masked too (a proxy may put a token there).
    ["ntfy", "http://127.0.0.1:18790/fail/123456789:AASECRET/-100123", "http://127.0.0.1:18790/fa…/…"],
    ["gotify", "https://gotify.example.com/", "https://gotify.example.com"],
    ["matrix", "https://matrix.example.org/!room:example.org", "https://matrix.example.org/!room:example.org"],
    ["telegram", "123456789:AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg/-1001234567890", "bot 123456789:…/chat -1001234567890"],
    ["pushover", "azGDORePK8gMaC0QOYAMyEEuzJnyUi/uQiRzpo4DXghDmr9QzzfQu27cmVRsG", "app …nyUi/user …VRsG"],
    ["pagerduty", "R0123456789abcdef0123456789abcde", "key …bcde"],
    ["opsgenie", "https://api.eu.opsgenie.com/eb243592-faa2-4ba2-a551-1afdf565c889", "https://api.eu.opsgenie.com key …c889"],
    ["email", "a@example.com,b@example.com", "a@example.com,b@example.com"],
    ["sms", "+3312345678", "…"],
  ])("%s", (type, target, shown) => {
    expect(displayTarget(type, target)).toBe(shown);
  });

  it("never shows user:password@, and a stored target that no longer parses shows as …", () => {
    expect(maskedUrl("https://user:hunter2@hooks.example.com/a/b", 1)).toBe("https://hooks.example.com/a/b…");
    expect(displayTarget("telegram", "garbage")).toBe("…");
    expect(displayTarget("slack", "not a url")).toBe("…");
  });
});
