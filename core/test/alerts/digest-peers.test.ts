// t7 F6: in a rolling deploy a core without digest recipients (BORELA_ALERT_EMAIL unset) or without SMTP
// took the week's digest that a peer had claimed, failed it for good, and no digest went out that week.
// Several cores' dispatchers on one store, a real SMTP sink: a core that cannot send a delivery leaves it
// unattempted for one that can, whichever ticks first; a digest nobody can send expires after its week.
import { afterEach, describe, expect, it } from "vitest";
import { useSmtp } from "../support/use-smtp.ts";
import { planDigest } from "../../src/alerts/digest.ts";
import { claimDelivery } from "../../src/alerts/claim.ts";
import { alertConfig, clock, dispatcher, open, seedProject, tempStore, type TestStore } from "./fixtures.ts";

const DAY = 86_400_000;
const MONDAY_0800 = new Date("2026-11-30T08:00:00Z"); // ISO week 2026-W49

const smtp = useSmtp();
let db: TestStore | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const digests = () => smtp.messages.filter((m) => m.subject?.startsWith("[Borela] Weekly digest"));

/** The cores of a rolling deploy: one with SMTP and recipients, one with SMTP only, one with neither. */
function cores(store: TestStore["store"], c: ReturnType<typeof clock>) {
  const ableEnv = { BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" };
  return {
    ableConfig: { ...alertConfig(ableEnv), timeoutMs: 3_000 },
    able: dispatcher(store, alertConfig(ableEnv), c),
    noRecipients: dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url }), c),
    noSmtp: dispatcher(store, alertConfig({}), c),
  };
}

/** Projects existed before the fire time: a week no project was watched has no digest (digest.ts). */
const BEFORE_FIRE = new Date(MONDAY_0800.getTime() - 86_400_000);

describe("the weekly digest with cores of different alert settings", () => {
  it("reaches the sink once a week whichever core ticks first; the others never consume it", async () => {
    db = await tempStore();
    const { store } = db;
    await seedProject(store, "alpha", { createdAt: BEFORE_FIRE });
    const c = clock(new Date(MONDAY_0800.getTime() + 1000));
    const { ableConfig, able, noRecipients, noSmtp } = cores(store, c);

    // The worst order: the able core claims the digest, the others reach it first, several times.
    expect(await planDigest(store, ableConfig, c.now())).toBe(true);
    for (let i = 0; i < 3; i++) {
      await noRecipients.tick();
      await noSmtp.tick();
      c.advance(1);
    }
    expect(digests()).toHaveLength(0);
    const waiting = await store.delivery.findUniqueOrThrow({ where: { dedupeKey: "digest:2026-W49" } });
    expect(waiting).toMatchObject({ status: "pending", attempts: 0, log: "[]" });
    await able.tick();
    await Promise.all([noRecipients.tick(), noSmtp.tick(), able.tick()]);
    expect(digests().map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] Weekly digest 2026-W49"]);

    // Four more weeks, the three cores ticking at each fire time in a different order every week.
    const orders = [
      [noRecipients, noSmtp, able],
      [able, noRecipients, noSmtp],
      [noSmtp, able, noRecipients],
      [noRecipients, able, noSmtp],
    ];
    for (const [week, order] of orders.entries()) {
      c.set(new Date(MONDAY_0800.getTime() + (week + 1) * 7 * DAY + 1000));
      for (const core of order) await core.tick();
      await Promise.all(order.map((core) => core.tick()));
    }
    expect(digests().map((m) => m.subject?.split(":")[0])).toEqual(["W49", "W50", "W51", "W52", "W53"].map((w) => `[Borela] Weekly digest 2026-${w}`));
    const rows = await store.delivery.findMany({ where: { event: "digest" }, orderBy: { dedupeKey: "asc" } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 5 }, () => ["sent", 1]));
  });

  it("a claimed digest no running core can send waits through its week, then expires", async () => {
    db = await tempStore();
    const { store } = db;
    await seedProject(store, "alpha", { createdAt: BEFORE_FIRE });
    const c = clock(new Date(MONDAY_0800.getTime() + 1000));
    const { ableConfig, noRecipients, noSmtp } = cores(store, c);
    await planDigest(store, ableConfig, c.now()); // the able core claimed it and went away
    for (const hours of [1, 24, 5 * 24]) {
      c.set(new Date(MONDAY_0800.getTime() + hours * 3_600_000));
      await noRecipients.tick();
      await noSmtp.tick();
    }
    expect(await store.delivery.findUniqueOrThrow({ where: { dedupeKey: "digest:2026-W49" } })).toMatchObject({ status: "pending", attempts: 0 });
    c.set(new Date(MONDAY_0800.getTime() + 7 * DAY + 1000)); // the next week
    await noSmtp.tick();
    const expired = await store.delivery.findUniqueOrThrow({ where: { dedupeKey: "digest:2026-W49" } });
    expect(expired.status).toBe("failed");
    expect(expired.lastError).toMatch(/^expired: no core that could send it/);
    expect(digests()).toHaveLength(0);
  });

  it("an alert email claimed by a core with SMTP is left by a core without it and sent by the first", async () => {
    db = await tempStore();
    const { store } = db;
    const seeded = await seedProject(store, "shop");
    const c = clock(new Date(MONDAY_0800.getTime() + 1000));
    const { able, noSmtp } = cores(store, c);
    const { incident } = await open(store, seeded, "error", "Litestream: access denied", c.now());
    await claimDelivery(store, { dedupeKey: `${incident.id}:email:ops@example.com:opened:0`, event: "opened", incidentId: incident.id, channelId: null, target: "ops@example.com" }, c.now());
    await noSmtp.tick();
    await noSmtp.tick();
    const [left] = await store.delivery.findMany({ where: { incidentId: incident.id } });
    expect(left).toMatchObject({ status: "pending", attempts: 0 });
    expect(left.lastError).toMatch(/no SMTP server configured/);
    await able.tick();
    const alerts = smtp.messages.filter((m) => m.subject?.includes("ERROR"));
    expect(alerts).toHaveLength(1);
    expect(await store.delivery.findMany({ where: { incidentId: incident.id }, select: { status: true, attempts: true } })).toEqual([{ status: "sent", attempts: 1 }]);
  });
});
