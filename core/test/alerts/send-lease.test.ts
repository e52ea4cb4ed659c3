// A delivery is sent under a lease (deliver.ts): two dispatchers on one store with one clock the test
// moves, and a receiver that holds its answers. A lease starts when it is taken, not when the pass began
// (a pass of slow sends handed out leases that had already run out, and another core sent the same row);
// a holder whose attempt outlasted its lease records nothing over the core that took the row over; a
// running attempt renews its lease.
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "../../src/store/ids.ts";
import { renewLeases } from "../../src/alerts/claim.ts";
import { SEND_LEASE_MS } from "../../src/alerts/deliver.ts";
import type { Store } from "../../src/store/db.ts";
import { createAlertDispatcher } from "../../src/alerts/dispatcher.ts";
import { SECRET_KEY, alertConfig, clock, deliveriesOf, dispatcher, open, seedProject, silentLogger, tempStore, type TestStore } from "./fixtures.ts";
import { startHeldReceiver, type HeldReceiver } from "./held-receiver.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

const T0 = new Date("2026-11-04T12:00:00Z");
let db: TestStore | null = null;
let receiver: HeldReceiver | null = null;
afterEach(async () => {
  receiver?.release();
  await receiver?.close();
  await db?.close();
  receiver = null;
  db = null;
});

async function operatorWebhook(store: Store, url: string) {
  await store.alertChannel.create({ data: { id: newId(), projectId: null, type: "webhook", target: url } });
}

const identity = (h: { headers: Record<string, unknown> }) => String(h.headers["idempotency-key"]);
const received = (n: number) => waitFor(() => receiver!.received.length >= n || null, { timeoutMs: 10_000, what: `${n} requests` });

describe("the send lease", () => {
  it("starts when taken: a row leased late in a slow pass is not sent again by another core", async () => {
    db = await tempStore();
    receiver = await startHeldReceiver();
    await operatorWebhook(db.store, receiver.url);
    const c = clock(T0);
    const a = dispatcher(db.store, alertConfig({}), c);
    const b = dispatcher(db.store, alertConfig({}), c);
    // Two projects' errors: two messages, one after the other in a's pass.
    const first = await open(db.store, await seedProject(db.store, "first"), "error", "disk full", T0);
    const second = await open(db.store, await seedProject(db.store, "second"), "error", "disk full", T0);

    receiver.hold(true);
    const aPass = a.tick();
    await received(1);
    c.advance(200); // the first send took 200 s of the pass
    receiver.release();
    await received(2);
    c.advance(1);
    const bPass = b.tick(); // b sees the second row "sending" under a lease that runs 30 s from its start
    await sleep(1_000);
    expect(receiver.received).toHaveLength(2);
    receiver.hold(false);
    receiver.release();
    await Promise.all([aPass, bPass]);

    expect(receiver.received).toHaveLength(2);
    expect(new Set(receiver.received.map(identity)).size).toBe(2);
    for (const incident of [first.incident, second.incident]) {
      const [d] = await deliveriesOf(db.store, incident!.id);
      expect(d).toMatchObject({ status: "sent", attempts: 1 });
    }
  });

  it("a holder that outlasted its lease records nothing over the core that took the row over; both sends carry one identity and one body", async () => {
    db = await tempStore();
    receiver = await startHeldReceiver();
    await operatorWebhook(db.store, receiver.url);
    const c = clock(T0);
    const a = dispatcher(db.store, alertConfig({}), c);
    const b = dispatcher(db.store, alertConfig({}), c);
    const { incident } = await open(db.store, await seedProject(db.store, "slow"), "error", "disk full", T0);

    receiver.hold(true);
    const aPass = a.tick();
    await received(1);
    c.advance(SEND_LEASE_MS / 1000 + 1); // a stalled past its lease (no renewal ran: the clock jumped)
    const bPass = b.tick();
    await received(2);
    receiver.hold(false);
    receiver.release();
    const [aDone, bDone] = await Promise.all([aPass, bPass]);

    expect(aDone).toEqual([expect.objectContaining({ status: "taken over", ok: true })]);
    expect(bDone).toEqual([expect.objectContaining({ status: "sent", ok: true })]);
    expect(identity(receiver.received[0])).toMatch(/^borela-[0-9a-f]{32}$/);
    expect(identity(receiver.received[1])).toBe(identity(receiver.received[0]));
    // 31 s later by the clock, still the body the first attempt sent (its durations too): one identity, one message.
    expect(receiver.received[1].body).toBe(receiver.received[0].body);
    const [d] = await deliveriesOf(db.store, incident!.id);
    expect(d).toMatchObject({ status: "sent", attempts: 2 });
    expect(d.log.map((l) => l.attempt)).toEqual([2]);
  });

  it("a send that outlasts the lease renews it: another core leaves the row to its live holder", async () => {
    db = await tempStore();
    receiver = await startHeldReceiver();
    await operatorWebhook(db.store, receiver.url);
    const c = clock(T0);
    // A 20 s send timeout: the held request outlives one renewal period (10 s, real time).
    const a = createAlertDispatcher({ store: db.store, config: alertConfig({}), secretKey: SECRET_KEY, logger: silentLogger, now: c.now, sendTimeoutMs: 20_000 });
    const b = dispatcher(db.store, alertConfig({}), c);
    const { incident } = await open(db.store, await seedProject(db.store, "long"), "error", "disk full", T0);

    receiver.hold(true);
    const aPass = a.tick();
    await received(1);
    c.advance(SEND_LEASE_MS / 1000 - 5);
    await sleep(11_000); // one renewal: the lease now ends 30 s after T0 + 25 s
    c.advance(10); // past the lease as first taken
    expect(await b.tick()).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    receiver.hold(false);
    receiver.release();
    expect(await aPass).toEqual([expect.objectContaining({ status: "sent" })]);
    const [d] = await deliveriesOf(db.store, incident!.id);
    expect(d).toMatchObject({ status: "sent", attempts: 1 });
  }, 30_000);

  it("renewLeases moves the end of leases still held, and leaves a row another core took over", async () => {
    db = await tempStore();
    const { incident } = await open(db.store, await seedProject(db.store, "renew"), "error", "disk full", T0);
    const base = { incidentId: incident!.id, event: "opened" as const, status: "sending" as const, createdAt: T0, nextAttemptAt: new Date(T0.getTime() + SEND_LEASE_MS) };
    await db.store.delivery.create({ data: { id: "held", dedupeKey: "k1", attempts: 1, ...base } });
    await db.store.delivery.create({ data: { id: "lost", dedupeKey: "k2", attempts: 2, ...base } });
    const later = new Date(T0.getTime() + 20_000);
    await renewLeases(db.store, [{ id: "held", attempts: 1 }, { id: "lost", attempts: 1 }], later, SEND_LEASE_MS);
    const rows = await db.store.delivery.findMany({ where: { id: { in: ["held", "lost"] } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.id, r.nextAttemptAt.getTime() - T0.getTime()])).toEqual([
      ["held", 20_000 + SEND_LEASE_MS],
      ["lost", SEND_LEASE_MS],
    ]);
  });
});
