// Reported text is data: a heartbeat error or a name may hold BEL, terminal
// escapes, C1 controls, CR or bidi overrides. Whatever the provider, the
// request it makes holds none of them (each is shown as "�"), and its one-line
// fields (titles, subjects, headlines) hold no line break. Every HTTP provider
// posts to a loopback receiver; email goes to a real SMTP server on loopback.
import { describe, expect, it } from "vitest";
import { startWebhookReceiver } from "../../support/webhook-receiver.ts";
import { useSmtp } from "../../support/use-smtp.ts";
import { send } from "../../../src/alerts/channels.ts";
import { CHANNEL_TYPES, PROVIDERS } from "../../../src/alerts/channels/registry.ts";
import { markControls } from "../../../src/control.ts";
import { LOOPBACK, opened } from "./contexts.ts";

const smtp = useSmtp();
// What must not reach a receiver: C0 but "\n", DEL, C1, bidi embeddings/overrides/isolates.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const TG = "123456789:AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg";
const PO = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";

const evil = opened({
  project: { id: "p1", name: "shop\u0007" },
  database: "app\u001b[31m\nLast backup: forged",
  reason: "boom\u0001\r\nsecond \u202eenil\u202c \u0085 \u2066x\u2069 \u007f end\rCR",
  restoreCommands: ["npx borela restore shop\u001b[2J\n rm -rf /"],
});

/** Every string in a parsed body, with the key it sits under. */
function strings(v: unknown, key = ""): [string, string][] {
  if (typeof v === "string") return [[key, v]];
  if (Array.isArray(v)) return v.flatMap((x) => strings(x, key));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => strings(x, k));
  return [];
}

describe("control and bidi characters in reported text", () => {
  it("markControls marks each one, keeping \\n only where asked", () => {
    expect(markControls("a\u0007b\u001b[31mc\u202ed\u2069e\u0085f\u007fg\nh")).toBe("a\ufffdb\ufffd[31mc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh");
    expect(markControls("a\r\nb\rc\nd", true)).toBe("a\nb\ufffdc\nd");
  });

  it("reach no provider: every request is free of them, and titles are one line", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const base = receiver.url.replace(/\/hook$/, "");
      const targets: Record<string, string> = {
        webhook: `${base}/hook`,
        slack: `${base}/services/T000/B000/XXXX`,
        discord: `${base}/api/webhooks/123/abc`,
        teams: `${base}/teams`,
        telegram: `${base}/${TG}/-100123`,
        ntfy: `${base}/borela`,
        pushover: `${base}/${PO}/${PO.toLowerCase()}`,
        gotify: `${base}/`,
        matrix: `${base}/!room:example.org`,
        mattermost: `${base}/hooks/abc`,
        pagerduty: `${base}/R0123456789abcdef0123456789abcde`,
        opsgenie: `${base}/eb243592-faa2-4ba2-a551-1afdf565c889`,
      };
      const types = CHANNEL_TYPES.filter((t) => t !== "email");
      expect(types.length).toBe(12);
      for (const type of types) {
        const before = receiver.received.length;
        const target = PROVIDERS[type].checkTarget(targets[type], true);
        await send({ id: "c", type, target, secret: PROVIDERS[type].secret ? "tok_0123456789abcdef" : null }, evil, LOOPBACK);
        const got = receiver.received.slice(before);
        expect(got.length, type).toBeGreaterThan(0);
        const all = got.flatMap((r) => strings(type === "pushover" ? Object.fromEntries(new URLSearchParams(r.body)) : JSON.parse(r.body)));
        for (const [key, s] of all) {
          expect(RAW.test(s), `${type} ${key}: ${JSON.stringify(s)}`).toBe(false);
          if (/^(title|subject|headline)$/.test(key)) expect(s, `${type} ${key}`).not.toMatch(/[\r\n]/);
        }
        expect(all.some(([, s]) => s.includes("\ufffd")), type).toBe(true);
      }
    } finally {
      await receiver.close();
    }
  });

  it("reach no email: the Subject is one line without ESC, the text body holds none", async () => {
    await send({ id: "e", type: "email", target: "ops@example.com", secret: null }, evil, { ...LOOPBACK, smtpUrl: smtp.url });
    const [mail] = smtp.messages;
    expect(mail.subject).not.toMatch(RAW);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain("\ufffd");
    expect(mail.text ?? "").not.toMatch(RAW);
    // The forged line stays inside the database's name, on the headline's line.
    expect((mail.text ?? "").split("\n").some((l) => l.startsWith("Last backup: forged"))).toBe(false);
  });
});
