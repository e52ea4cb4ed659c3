// retest19: a core started with another BORELA_SECRET_KEY could not open a channel's sealed target, and
// each alert failed for good at its first attempt; started again with the right key, the core sent
// nothing (a pager stayed triggered, a new incident went untold). Now such a delivery waits: left untouched
// (no attempt counted) for a core with the key that sealed the target, never given up on, and sent by it.
import { afterEach, describe, expect, it } from "vitest";
import { createAlertDispatcher } from "../../src/alerts/dispatcher.ts";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/alerts/decisions.ts";
import { encryptSecret } from "../../src/store/secrets.ts";
import { newId } from "../../src/store/ids.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";
import { alertConfig, clock, deliveriesOf, dispatcher, open, seedProject, silentLogger, tempStore, type TestStore } from "./fixtures.ts";

const T0 = new Date("2026-11-30T00:00:00Z");
const SEALING_KEY = Buffer.alloc(32, 9);

let db: TestStore | null = null;
let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  await db?.close();
  receiver = db = null;
});

describe("a channel sealed with another key", () => {
  it("is left unattempted under the wrong key, however long, then sent once under the key that sealed it", async () => {
    db = await tempStore();
    receiver = await startWebhookReceiver([]);
    const seeded = await seedProject(db.store, "shop");
    await db.store.alertChannel.create({ data: { id: newId(), projectId: seeded.projectId, type: "webhook", target: encryptSecret(SEALING_KEY, receiver.url) } });
    const c = clock(T0);
    const config = alertConfig({});
    const { incident } = await open(db.store, seeded, "error", "Litestream: access denied", T0);

    const wrongKey = dispatcher(db.store, config, c); // the fixtures' SECRET_KEY, not the sealing one
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS + 3; i++) {
      await wrongKey.tick();
      c.advance(3600);
    }
    const [waiting] = await deliveriesOf(db.store, incident.id);
    expect(waiting.status).toBe("pending");
    // Left for a core with the right key: no attempt counted, its time not pushed back.
    expect(waiting.attempts).toBe(0);
    expect(waiting.nextAttemptAt.getTime()).toBeLessThanOrEqual(T0.getTime());
    expect(waiting.lastError).toMatch(/cannot be decrypted with this core's secret key/);
    expect(receiver.received).toHaveLength(0);

    const rightKey = createAlertDispatcher({ store: db.store, config, secretKey: SEALING_KEY, logger: silentLogger, now: c.now, sendTimeoutMs: 3_000 });
    c.advance(3600);
    await rightKey.tick();
    await rightKey.tick();
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0].body)).toMatchObject({ event: "opened" });
    expect((await deliveriesOf(db.store, incident.id))[0].status).toBe("sent");
  });
});
