// Issue 20 item 2: the lease gate (store/lease-gate.ts) on a real SQLite store, two Prisma clients standing
// for two cores, each with its own clock so leases run out without waiting.
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/db.ts";
import { LeaseStore } from "../../src/store/lease.ts";
import { createLeases } from "../../src/store/lease-gate.ts";
import { useSharedStore } from "../support/use-store.ts";

const shared = useSharedStore("borela-lease-gate-");

function core(store: Store, holder: string, start: number) {
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg?: string) => lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  const clock = { at: start };
  const leases = createLeases({ store: new LeaseStore(store, "sqlite"), logger: { info: log("info"), warn: log("warn"), error: log("error") }, holder, now: () => new Date(clock.at) });
  return { leases, lines, clock };
}

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const runs = async (name: string) => (await new LeaseStore(shared.one, "sqlite").list()).find((r) => r.name === name);

describe("lease gate", () => {
  it("runs the job in the core holding the lease only; a lapsed holder loses it, says so, and runs nothing", async () => {
    const a = core(shared.one, "core-a", T0);
    const b = core(shared.two, "core-b", T0);
    const job = (who: string, done: string[]) => async () => {
      done.push(who);
      return who;
    };
    const done: string[] = [];
    expect(await a.leases.gate("sweep", 1_000)(job("a", done))).toBe("a");
    expect(await b.leases.gate("sweep", 1_000)(job("b", done))).toBeNull();
    a.clock.at = b.clock.at = T0 + 5_000;
    expect(await a.leases.gate("sweep", 1_000)(job("a", done))).toBe("a");
    expect(await b.leases.gate("sweep", 1_000)(job("b", done))).toBeNull();
    expect(done).toEqual(["a", "a"]);
    // A run is recorded with the next claim: the second is still to write.
    expect(await runs("sweep")).toMatchObject({ holder: "core-a", runs: 1, lastRunBy: "core-a" });
    expect(a.lines.filter((l) => l.includes("lease taken"))).toHaveLength(1);

    // a stalls past its lease (10 s from its last claim at +5 s): b takes it; a's next tick runs nothing.
    a.clock.at = b.clock.at = T0 + 15_001;
    expect(await b.leases.gate("sweep", 1_000)(job("b", done))).toBe("b");
    expect(await a.leases.gate("sweep", 1_000)(job("a", done))).toBeNull();
    expect(done).toEqual(["a", "a", "b"]);
    expect(a.lines.filter((l) => l.startsWith("warn lease lost to another core"))).toHaveLength(1);
    expect(await runs("sweep")).toMatchObject({ holder: "core-b", runs: 1, lastRunBy: "core-a" }); // a's lost run is dropped
    await b.leases.close(); // writes b's run
    expect(await runs("sweep")).toMatchObject({ runs: 2, lastRunBy: "core-b" });
  });

  it("a failing job throws and records no completed run; close() lets the lease go so a peer takes it at once", async () => {
    const a = core(shared.one, "core-c", T0 + 100_000);
    const b = core(shared.two, "core-d", T0 + 100_000);
    await expect(a.leases.gate("listing", 1_000)(async () => Promise.reject(new Error("listing failed")))).rejects.toThrow("listing failed");
    expect(await runs("listing")).toMatchObject({ holder: "core-c", runs: 0, lastRunAt: null });
    expect(await b.leases.gate("listing", 1_000)(async () => "b")).toBeNull();
    await a.leases.close();
    expect(await a.leases.gate("listing", 1_000)(async () => "a")).toBeNull(); // closed: runs nothing
    expect(await b.leases.gate("listing", 1_000)(async () => "b")).toBe("b");
  });

  it("a run longer than the lease keeps it: the holder renews every third of the lease while the job lasts", async () => {
    const a = core(shared.one, "core-e", T0 + 200_000);
    const b = core(shared.two, "core-f", T0 + 200_000);
    let peer: string | null | undefined;
    // The lease is 10 s (its floor); its renewal fires after 3.3 s of real time, when a's clock says 20 s
    // passed: without it, the lease taken at +0 would have run out for b at +20 s.
    const long = async () => {
      a.clock.at = T0 + 220_000;
      await new Promise((r) => setTimeout(r, 3_600));
      b.clock.at = T0 + 221_000;
      peer = await b.leases.gate("long", 1_000)(async () => "b");
      return "a";
    };
    expect(await a.leases.gate("long", 1_000)(long)).toBe("a");
    expect(peer).toBeNull();
    await a.leases.close();
    const row = await runs("long");
    expect(row).toMatchObject({ holder: "core-e", runs: 1 });
    expect(row!.renewedAt.getTime()).toBe(T0 + 220_000);
    expect(row!.acquiredAt.getTime()).toBe(T0 + 200_000);
  });
});
