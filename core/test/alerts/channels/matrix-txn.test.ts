// Matrix's transaction id lets the homeserver drop a repeated PUT
// (https://spec.matrix.org/v1.11/client-server-api/#transaction-identifiers):
// every attempt of one delivery must use the same one, so a retry after a
// timeout whose first PUT did arrive posts nothing twice. The receiver is a
// loopback stand-in for a homeserver.
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { send } from "../../../src/alerts/channels.ts";
import { matrix } from "../../../src/alerts/channels/matrix.ts";
import { channelOfDelivery } from "../../../src/alerts/recipients.ts";
import { newId } from "../../../src/store/ids.ts";
import { sealTarget } from "../../../src/alerts/channels/sealed-target.ts";
import { encryptSecret } from "../../../src/store/secrets.ts";
import { SECRET_KEY, useTempStores } from "../fixtures.ts";
import { LOOPBACK, opened } from "./contexts.ts";

const stores = useTempStores();
let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe("matrix transaction ids", () => {
  it("are the same at every attempt of one delivery, and differ between deliveries", async () => {
    receiver = await startWebhookReceiver([500, 200, 200, 200]);
    const target = matrix.checkTarget(`${receiver.url.replace(/\/hook$/, "")}/!room:example.org`, true);
    const channel = { id: "c1", type: "matrix" as const, target, secret: "syt_token_0123456789" };
    const key = "inc_1:c1:opened:0";
    await expect(send({ ...channel, deliveryKey: key }, opened(), LOOPBACK)).rejects.toThrow(/HTTP 500/);
    await send({ ...channel, deliveryKey: key }, opened(), LOOPBACK);
    await send({ ...channel, deliveryKey: "inc_1:c1:reminder:1" }, opened(), LOOPBACK);
    const txn = receiver.received.map((r) => r.path.split("/").pop());
    expect(txn[0]).toMatch(/^borela-[0-9a-f]{32}$/);
    expect(txn[1]).toBe(txn[0]);
    expect(txn[2]).not.toBe(txn[0]);
    // A test send is no delivery: a fresh id each time.
    await send(channel, opened({ event: "test" }), LOOPBACK);
    await send(channel, opened({ event: "test" }), LOOPBACK);
    expect(receiver.received[3].path).not.toBe(receiver.received[4].path);
  });

  it("come from the delivery's dedupe key: the dispatcher's channel carries it", async () => {
    const { store } = await stores.open();
    const id = newId();
    const target = "https://matrix.example.org/!room:example.org";
    await store.alertChannel.create({ data: { id, type: "matrix", target: sealTarget(SECRET_KEY, "matrix", target), secretEnc: encryptSecret(SECRET_KEY, "syt_token_0123456789") } });
    const channel = await channelOfDelivery(store, SECRET_KEY, { channelId: id, target: null, dedupeKey: `inc_9:${id}:opened:0` });
    expect(channel.deliveryKey).toBe(`inc_9:${id}:opened:0`);
  });
});
