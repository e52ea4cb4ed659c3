// Every attempt of one delivery carries one identity a receiver can dedupe by (a resend after a crash
// mid-send is the same message): a webhook's Idempotency-Key (tested with retries in webhooks.test.ts),
// an email's Message-ID, checked here on a real SMTP server on loopback.
import { afterEach, describe, expect, it } from "vitest";
import { send } from "../../src/alerts/channels.ts";
import { deliveryIdentity, deliveryMessageId } from "../../src/alerts/channels/delivery-identity.ts";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { opened } from "./channels/contexts.ts";

let smtp: SmtpSink | null = null;
afterEach(async () => {
  await smtp?.close();
  smtp = null;
});

describe("a delivery's identity", () => {
  it("is opaque, stable per dedupe key and different between keys", () => {
    const id = deliveryIdentity("inc_1:ch_1:opened:0");
    expect(id).toMatch(/^borela-[0-9a-f]{32}$/);
    expect(deliveryIdentity("inc_1:ch_1:opened:0")).toBe(id);
    expect(deliveryIdentity("inc_1:ch_1:resolved:0")).not.toBe(id);
    expect(id).not.toContain("inc_1");
  });

  it("gives an email a Message-ID at the sender's domain", () => {
    const id = deliveryIdentity("k");
    expect(deliveryMessageId("k", "borela@alerts.example.com")).toBe(`<${id}@alerts.example.com>`);
    expect(deliveryMessageId("k", "Borela <borela@alerts.example.com>")).toBe(`<${id}@alerts.example.com>`);
    expect(deliveryMessageId("k", "borela")).toBe(`<${id}@borela.invalid>`);
  });

  it("an alert email sent twice for one delivery carries one Message-ID; another delivery another", async () => {
    smtp = await startSmtp();
    const senders = { smtpUrl: smtp.url, mailFrom: "borela@test.local", timeoutMs: 3_000 };
    const channel = { id: null, type: "email" as const, target: "ops@example.com", secret: null };
    await send({ ...channel, deliveryKey: "inc_1:email:ops@example.com:opened:0" }, opened(), senders);
    await send({ ...channel, deliveryKey: "inc_1:email:ops@example.com:opened:0" }, opened(), senders);
    await send({ ...channel, deliveryKey: "inc_1:email:ops@example.com:resolved:0" }, opened(), senders);
    const ids = smtp.messages.map((m) => m.messageId);
    expect(ids[0]).toBe(`<${deliveryIdentity("inc_1:email:ops@example.com:opened:0")}@test.local>`);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });
});
