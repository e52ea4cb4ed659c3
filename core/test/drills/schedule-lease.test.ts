// Issue 20 item 2: the drill schedule's tick under its lease. Two drill services on one real SQLite store
// (two Prisma clients stand for two cores) start at once with a schedule that fired: one drill is queued,
// not one per core. (Without the gate both queue it: the deadline write is compare-and-set, the enqueue is not.)
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { withSecretKey } from "../../src/store/secrets.ts";
import { LeaseStore } from "../../src/store/lease.ts";
import { createLeases } from "../../src/store/lease-gate.ts";
import { createDrillService, SCHEDULE_EVERY_MS } from "../../src/drills/service.ts";
import { useSharedStore } from "../support/use-store.ts";
import { waitFor } from "../support/wait-for.ts";

const shared = useSharedStore("borela-schedule-lease-");

describe("the drill schedule under its lease", () => {
  it("two cores starting together queue a fired schedule's drill once", async () => {
    await shared.one.project.create({ data: { id: "p1", name: "shop", drillSchedule: "0 3 * * *", badgeKey: "b1", storagePrefix: "p/1", databases: { create: { id: "d1", name: "app", path: "/data/app.db" } } } });
    const fired = new Date(Date.now() - 60_000);
    await shared.one.project.update({ where: { id: "p1" }, data: { nextDrillAt: fired } });

    const config = withSecretKey(loadConfig({ BORELA_DATA_DIR: shared.dir.path }));
    const logger = createLogger("silent");
    const services = [shared.one, shared.two].map((store) => {
      const leases = createLeases({ store: new LeaseStore(store, "sqlite"), logger });
      const drills = createDrillService({ store, config, logger });
      return { leases, drills };
    });
    try {
      for (const s of services) s.drills.start({ gate: s.leases.gate("drill-schedule", SCHEDULE_EVERY_MS) });
      // The tick moved the deadline past now: the holder's first tick is over (the other's ran nothing).
      await waitFor(async () => {
        const p = await shared.one.project.findUniqueOrThrow({ where: { id: "p1" } });
        return p.nextDrillAt && p.nextDrillAt > new Date() ? true : null;
      }, { timeoutMs: 10_000, what: "the first schedule tick" });
      await new Promise((r) => setTimeout(r, 500));
      expect(await shared.one.drill.count({ where: { projectId: "p1", trigger: "schedule" } })).toBe(1);
    } finally {
      for (const s of services) {
        await s.drills.stop();
        await s.leases.close();
      }
    }
    // Closing wrote the holder's run: one run, by one of the two.
    const [lease] = await new LeaseStore(shared.two, "sqlite").list();
    expect(lease).toMatchObject({ name: "drill-schedule", runs: 1 });
    expect([services[0].leases.holder, services[1].leases.holder]).toContain(lease.lastRunBy);
  });
});
