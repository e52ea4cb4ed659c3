// freshness/sweep-decision.ts is sweeper.ts sweepOne as a pure function, for the async sweep store's
// batch. Until the sweeper moves to it they must write the same rows: two SQLite stores get the same
// projects (silent, recovered, stale replica, in and out of the core's startup grace, with a hold),
// one is swept by today's sweepBatch, the other by sqliteSweepStore's batch with decideSweep, and
// every row a sweep writes must be equal, as must the statuses each returns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, type Store } from "../../src/store/db.ts";
import { openFastPath, type FastPath } from "../../src/store/fast-path.ts";
import { sqliteSweepStore } from "../../src/store/sqlite-sweep-store.ts";
import { sweepBatch } from "../../src/freshness/sweeper.ts";
import { decideSweep } from "../../src/freshness/sweep-decision.ts";
import type { SweptKind } from "../../src/incidents/kinds.ts";
import { tempStore, type TestStore } from "../support/use-store.ts";
import { at, rows, seedProject, T0 } from "../support/sweep-rows.ts";

const IDS = ["silent", "recovered", "stale", "fine"];
const hold = (kind: SweptKind) => (kind === "stale" ? 60 : 0);

let stores: TestStore[] = [];
let fast: FastPath[] = [];

async function seed(db: Store): Promise<void> {
  await seedProject(db, "silent", at(-600));
  await seedProject(db, "recovered", at(-5), { openSilentAt: at(-900) });
  await seedProject(db, "stale", at(-5));
  await db.replica.update({ where: { id: "stale-r" }, data: { pendingSince: at(-3600) } });
  await seedProject(db, "fine", at(-5));
}

beforeAll(async () => {
  stores = await Promise.all([tempStore("borela-decision-a-"), tempStore("borela-decision-b-")]);
  fast = stores.map((s) => openFastPath(databaseFile(s.dir.path), { maxDatabasesPerProject: 4 }));
  for (const s of stores) await seed(s.store);
});
afterAll(async () => {
  for (const f of fast) f.close();
  for (const s of stores) await s.close();
});

describe("decideSweep writes what sweepOne writes", () => {
  it.each([
    { when: "first sweep", now: T0, startedAt: null },
    { when: "a minute later, the stale replica caught up", now: at(60), startedAt: null, change: (db: Store) => db.replica.update({ where: { id: "stale-r" }, data: { pendingSince: null } }) },
    { when: "hold over, core restarted 10 s ago (startup grace)", now: at(130), startedAt: at(120) },
    { when: "after the grace", now: at(400), startedAt: at(120) },
    // Still silent, in other words: only the reasons change, statusSince stays.
    { when: "a heartbeat that does not end the silence", now: at(500), startedAt: at(120), change: (db: Store) => db.project.update({ where: { id: "silent" }, data: { lastHeartbeatAt: at(200) } }) },
  ] as { when: string; now: Date; startedAt: Date | null; change?: (db: Store) => Promise<unknown> }[])("$when", async ({ now, startedAt, change }) => {
    if (change) for (const s of stores) await change(s.store);
    const changes: string[] = [];
    const old = await sweepBatch(fast[0].sweep, IDS, now, hold, (id, status, previous) => changes.push(`${id}:${previous}->${status}`), startedAt);
    const decided = await sqliteSweepStore(fast[1].sweep).batch(IDS, now, (input) => decideSweep(input, now, hold, startedAt));
    expect(new Map([...decided].map(([id, swept]) => [id, swept.status]))).toEqual(old);
    expect([...decided].filter(([, s]) => s.status !== s.previous).map(([id, s]) => `${id}:${s.previous}->${s.status}`)).toEqual(changes);
    const [a, b] = await Promise.all(stores.map((s) => rows(s.store, IDS)));
    expect(b).toEqual(a);
  });

  it("the rounds above opened, held and resolved incidents (the comparison had something to compare)", async () => {
    const r = await rows(stores[1].store, IDS);
    expect(r.incidents.some((i) => i.projectId === "silent" && i.kind === "silent")).toBe(true);
    expect(r.incidents.find((i) => i.id === "recovered-silent")?.resolvedAt).toEqual(T0);
    const stale = r.incidents.filter((i) => i.projectId === "stale" && i.kind === "stale");
    expect(stale).toHaveLength(1);
    // Cleared at 60 s with a 60 s hold: at 130 s the startup grace decides nothing, at 400 s the project is
    // silent (only its silent incident is decided then), so it stays cleared, not resolved.
    expect(stale[0]).toMatchObject({ clearedAt: at(60), resolvedAt: null });
    expect(r.incidents.filter((i) => i.kind === "silent" && i.resolvedAt === null).map((i) => [i.projectId, i.openedAt])).toEqual([
      ["fine", at(400)],
      ["recovered", at(400)],
      ["silent", T0],
      ["stale", at(400)],
    ]);
  });
});
