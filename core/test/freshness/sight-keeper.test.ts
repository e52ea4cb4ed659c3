// freshness/sight-keeper.ts on a real SQLite store: a blind gap seen from the sweep mark or from this
// core's own failing reads is stored once, with when sight was last had, and every core honours it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, openStore, type Store } from "../../src/store/db.ts";
import { openFastPath, type FastPath } from "../../src/store/fast-path.ts";
import { sqliteSweepStore } from "../../src/store/sqlite-sweep-store.ts";
import type { AsyncSweepStore } from "../../src/store/sweep-store.ts";
import { createSightKeeper } from "../../src/freshness/sight-keeper.ts";
import { blindAfterMs } from "../../src/freshness/watching-since.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const T0 = new Date("2026-11-30T06:00:00.000Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const warned: object[] = [];
const logger = { info() {}, warn: (obj: object) => void warned.push(obj), error() {} } as never;
const BOUND = blindAfterMs(5); // 15 s

let tmp: TmpDir;
let db: Store;
let fast: FastPath[];
let stores: AsyncSweepStore[];

beforeAll(async () => {
  tmp = await tmpDir("borela-sight-keeper-");
  db = await openStore(tmp.path);
  fast = [0, 1].map(() => openFastPath(databaseFile(tmp.path), { maxDatabasesPerProject: 4 }));
  stores = fast.map((f) => sqliteSweepStore(f.sweep));
});
afterAll(async () => {
  for (const f of fast) f.close();
  await db?.$disconnect();
  await tmp?.remove();
});

describe("createSightKeeper", () => {
  it("no sweep for longer than the bound: sight returns now, stored once; a peer honours the stored one", async () => {
    await stores[0].mark.record(at(0));
    const a = createSightKeeper(stores[0], at(-600), BOUND, logger);
    const b = createSightKeeper(stores[1], at(-600), BOUND, logger);
    expect(await a.sightsAt(at(15), [])).toEqual([{ blindFrom: null, since: at(-600) }]);
    const seen = await a.sightsAt(at(40), []);
    expect(seen).toContainEqual({ blindFrom: at(0), since: at(40) });
    expect(await stores[1].sight.latest()).toEqual({ blindFrom: at(0), since: at(40) });
    // The peer, before any sweep completed again: the same gap, not a second moment.
    expect(await b.sightsAt(at(42), [])).toEqual([{ blindFrom: null, since: at(-600) }, { blindFrom: at(0), since: at(40) }]);
    expect(await stores[0].sight.latest()).toEqual({ blindFrom: at(0), since: at(40) });
    // This core's own sweep in progress is sight.
    await stores[0].mark.record(at(100));
    expect(await a.sightsAt(at(130), [at(125)])).not.toContainEqual(expect.objectContaining({ since: at(130) }));
  });

  it("its own store reads failing, even for less than the bound: sight returns at the first success, blind from the last", async () => {
    let down = false;
    const flaky: AsyncSweepStore = {
      ...stores[0],
      mark: { record: stores[0].mark.record, latest: () => (down ? Promise.reject(new Error("connection refused")) : stores[0].mark.latest()) },
    };
    await stores[0].mark.record(at(200));
    const k = createSightKeeper(flaky, at(-600), BOUND, logger);
    await k.sightsAt(at(201), []);
    down = true;
    await expect(k.sightsAt(at(203), [])).rejects.toThrow("connection refused");
    expect(k.blind).toBe(true);
    down = false;
    const seen = await k.sightsAt(at(209), []);
    expect(k.blind).toBe(false);
    expect(seen).toContainEqual({ blindFrom: at(201), since: at(209) });
    expect(await stores[1].sight.latest()).toEqual({ blindFrom: at(201), since: at(209) });
    expect(warned.length).toBeGreaterThanOrEqual(2);
  });

  it("reads the store at most once a second of its clock while the store answers, at once after a failure", async () => {
    let reads = 0;
    const counted: AsyncSweepStore = { ...stores[0], mark: { record: stores[0].mark.record, latest: () => (reads++, stores[0].mark.latest()) } };
    const k = createSightKeeper(counted, at(-600), BOUND, logger);
    await stores[0].mark.record(at(300));
    for (const ms of [0, 100, 500, 999]) await k.sightsAt(new Date(at(301).getTime() + ms), []);
    expect(reads).toBe(1);
    await k.sightsAt(at(302), []);
    expect(reads).toBe(2);
    k.failed();
    await k.sightsAt(new Date(at(302).getTime() + 10), []);
    expect(reads).toBe(3);
  });
});
