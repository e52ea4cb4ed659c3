// Issue 20 (CPU per core): an alert tick over a store where nothing moved runs no Prisma read (two raw
// statements answer "anything to do?"), while everything a pass acts on still gets a pass at the next tick:
// an incident opening, its confirmation delay ending, a channel added, a retry falling due.
import { describe, expect, it } from "vitest";
import { passNeeded, rawTimeMs, readAlertProbe } from "../../src/alerts/idle-probe.ts";
import { newId } from "../../src/store/ids.ts";
import { countedStore as counted } from "../support/counted-store.ts";
import { alertConfig, clock, dispatcher, open, seedProject, useTempStores } from "./fixtures.ts";

const stores = useTempStores();
const T0 = new Date("2026-11-29T10:00:00Z");

describe("passNeeded", () => {
  const probe = (key: string, nextAttemptMs: number | null = null) => ({ key, nextAttemptMs });
  it("skips only an unchanged store under a quiet clock with no delivery due", () => {
    expect(passNeeded(null, probe("a"), 1_000, true)).toBe(true);
    expect(passNeeded(probe("a"), probe("a"), 1_000, true)).toBe(false);
    expect(passNeeded(probe("a"), probe("b"), 1_000, true)).toBe(true);
    expect(passNeeded(probe("a"), probe("a"), 1_000, false)).toBe(true);
    expect(passNeeded(probe("a", 1_000), probe("a", 1_000), 1_000, true)).toBe(true);
    expect(passNeeded(probe("a", 1_001), probe("a", 1_001), 1_000, true)).toBe(false);
  });

  it("reads either store's raw times", () => {
    expect(rawTimeMs(null)).toBeNull();
    expect(rawTimeMs(new Date(T0))).toBe(T0.getTime());
    expect(rawTimeMs("2026-11-29T10:00:00.000+00:00")).toBe(T0.getTime());
    expect(rawTimeMs(T0.getTime())).toBe(T0.getTime());
    expect(() => rawTimeMs("yesterday")).toThrow(/unreadable time "yesterday"/);
  });
});

describe("alert ticks on an idle store", () => {
  it("run no Prisma read until the outbox, a channel or a due time moves, and then plan and send as before", async () => {
    const { store: raw } = await stores.open();
    const p = await seedProject(raw, "idle");
    // Nothing listens on port 9: every attempt fails and its retry falls due (BORELA_ALERT_RETRY_SECONDS=1).
    await raw.alertChannel.create({ data: { id: newId(), projectId: p.projectId, type: "webhook", target: "http://127.0.0.1:9/first" } });
    const { store, calls } = counted(raw);
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_ALERT_CONFIRM_SECONDS: "30" }), c);

    await alerts.tick();
    expect(calls.length).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      calls.length = 0;
      c.advance(2);
      await alerts.tick();
      expect(calls).toEqual([]);
    }

    // An incident opens: the next tick plans it (its confirmation delay starts), the ticks after it are quiet again.
    await open(raw, p, "stale", "unreplicated", c.now());
    calls.length = 0;
    c.advance(2);
    await alerts.tick();
    expect(calls).toContain("incidentTransition.findMany");
    calls.length = 0;
    c.advance(2);
    await alerts.tick();
    expect(calls).toEqual([]);

    // The confirmation delay ends with no row changed: the clock alone brings the pass that claims the delivery.
    c.advance(30);
    await alerts.tick();
    const [claimed] = await raw.delivery.findMany({ where: { incident: { projectId: p.projectId } } });
    expect(claimed.attempts).toBe(1);
    // Its retry falls due with no row changed: the next tick after that attempts it again.
    calls.length = 0;
    c.set(new Date(claimed.nextAttemptAt.getTime() + 1));
    await alerts.tick();
    expect((await raw.delivery.findUniqueOrThrow({ where: { id: claimed.id } })).attempts).toBe(2);

    // A channel added with nothing else moving: the next tick plans everything (the channel hears what is open).
    await raw.alertChannel.create({ data: { id: newId(), projectId: p.projectId, type: "webhook", target: "http://127.0.0.1:9/second" } });
    calls.length = 0;
    c.advance(2);
    await alerts.tick();
    expect(calls).toContain("alertChannel.findMany");
    expect((await raw.delivery.findMany({ where: { incident: { projectId: p.projectId } } })).length).toBe(2);
    await alerts.stop();
  });

  it("the probe's key moves with the outbox, a project row and a channel; its nextAttemptMs is the earliest waiting delivery", async () => {
    const { store } = await stores.open();
    const p = await seedProject(store, "keys");
    const a = await readAlertProbe(store, null);
    expect(a.nextAttemptMs).toBeNull();
    expect((await readAlertProbe(store, null)).key).toBe(a.key);
    expect((await readAlertProbe(store, "2026-W48")).key).not.toBe(a.key);
    await open(store, p, "stale", "unreplicated", T0);
    const b = await readAlertProbe(store, null);
    expect(b.key).not.toBe(a.key);
    await store.project.update({ where: { id: p.projectId }, data: { pausedUntil: new Date(T0.getTime() + 3_600_000) } });
    const c = await readAlertProbe(store, null);
    expect(c.key).not.toBe(b.key);
    const channel = await store.alertChannel.create({ data: { id: newId(), projectId: null, type: "webhook", target: "http://127.0.0.1:9/a" } });
    const d = await readAlertProbe(store, null);
    expect(d.key).not.toBe(c.key);
    await store.alertChannel.update({ where: { id: channel.id }, data: { target: "http://127.0.0.1:9/b" } });
    expect((await readAlertProbe(store, null)).key).not.toBe(d.key);
    const at = new Date(T0.getTime() + 5_000);
    await store.delivery.create({ data: { id: newId(), event: "digest", dedupeKey: "digest:probe", status: "pending", nextAttemptAt: at } });
    expect((await readAlertProbe(store, null)).nextAttemptMs).toBe(at.getTime());
  });
});
