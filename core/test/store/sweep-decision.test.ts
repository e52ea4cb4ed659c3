// freshness/sweep-decision.ts decides what the sweeper writes (freshness/sweeper.ts sweepBatch runs it
// through the sweep store's batch). Rounds on one SQLite store (silent, recovered, stale replica, in and
// out of the core's startup grace, with a hold): the statuses each round returns, the changes it tells
// its listener, and the incidents the rounds opened, held and resolved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, type Store } from "../../src/store/db.ts";
import { openFastPath, type FastPath } from "../../src/store/fast-path.ts";
import { sqliteSweepStore } from "../../src/store/sqlite-sweep-store.ts";
import { sweepBatch } from "../../src/freshness/sweeper.ts";
import type { SweptKind } from "../../src/incidents/kinds.ts";
import { tempStore, type TestStore } from "../support/use-store.ts";
import { at, rows, seedProject, T0 } from "../support/sweep-rows.ts";

const IDS = ["silent", "recovered", "stale", "fine"];
const hold = (kind: SweptKind) => (kind === "stale" ? 60 : 0);

let sqlite: TestStore;
let fast: FastPath;

async function seed(db: Store): Promise<void> {
  await seedProject(db, "silent", at(-600));
  await seedProject(db, "recovered", at(-5), { openSilentAt: at(-900) });
  await seedProject(db, "stale", at(-5));
  await db.replica.update({ where: { id: "stale-r" }, data: { pendingSince: at(-3600) } });
  await seedProject(db, "fine", at(-5));
}

beforeAll(async () => {
  sqlite = await tempStore("borela-decision-");
  fast = openFastPath(databaseFile(sqlite.dir.path), { maxDatabasesPerProject: 4 });
  await seed(sqlite.store);
});
afterAll(async () => {
  fast?.close();
  await sqlite?.close();
});

// Every seeded project's second database has no replica: "error" until the agent goes silent.
const all = (status: string) => new Map(IDS.map((id) => [id, id === "silent" ? "silent" : status]));

describe("the sweeper's decisions, round by round", () => {
  it.each([
    { when: "first sweep", now: T0, startedAt: null, statuses: all("error"), told: ["silent:unknown->silent", "recovered:unknown->error", "stale:unknown->error", "fine:unknown->error"] },
    { when: "a minute later, the stale replica caught up", now: at(60), startedAt: null, change: (db: Store) => db.replica.update({ where: { id: "stale-r" }, data: { pendingSince: null } }), statuses: all("error"), told: [] },
    // The startup grace decides nothing: each project keeps its status.
    { when: "hold over, core restarted 10 s ago (startup grace)", now: at(130), startedAt: at(120), statuses: all("error"), told: [] },
    { when: "after the grace", now: at(400), startedAt: at(120), statuses: all("silent"), told: ["recovered:error->silent", "stale:error->silent", "fine:error->silent"] },
    // Still silent, in other words: only the reasons change, statusSince stays.
    { when: "a heartbeat that does not end the silence", now: at(500), startedAt: at(120), change: (db: Store) => db.project.update({ where: { id: "silent" }, data: { lastHeartbeatAt: at(200) } }), statuses: all("silent"), told: [] },
  ] as { when: string; now: Date; startedAt: Date | null; change?: (db: Store) => Promise<unknown>; statuses: Map<string, string>; told: string[] }[])("$when", async ({ now, startedAt, change, statuses, told }) => {
    if (change) await change(sqlite.store);
    const changes: string[] = [];
    const swept = await sweepBatch(sqliteSweepStore(fast.sweep), [...IDS, "deleted"], now, hold, (id, status, previous) => changes.push(`${id}:${previous}->${status}`), startedAt && [{ blindFrom: null, since: startedAt }]);
    expect(swept).toEqual(statuses);
    expect(changes).toEqual(told);
  });

  it("the rounds above opened, held and resolved incidents", async () => {
    const r = await rows(sqlite.store, IDS);
    expect(r.incidents.some((i) => i.projectId === "silent" && i.kind === "silent")).toBe(true);
    expect(r.incidents.find((i) => i.id === "recovered-silent")?.resolvedAt).toEqual(T0);
    const stale = r.incidents.filter((i) => i.projectId === "stale" && i.kind === "stale");
    expect(stale).toHaveLength(1);
    // Cleared at 60 s with a 60 s hold: at 130 s the startup grace decides nothing, at 400 s the project is
    // silent (only its silent incident is decided then), so it stays cleared, not resolved.
    expect(stale[0]).toMatchObject({ clearedAt: at(60), resolvedAt: null });
    // The last round reworded the silence (heard at 200 s) and kept the time it began.
    expect(r.projects.find((p) => p.id === "silent")).toMatchObject({
      statusReasons: JSON.stringify([`no heartbeat since ${at(200).toISOString()} (grace 2 min): is the agent running?`]),
      statusSince: T0,
      updatedAt: at(500),
    });
    expect(r.incidents.filter((i) => i.kind === "silent" && i.resolvedAt === null).map((i) => [i.projectId, i.openedAt])).toEqual([
      ["fine", at(400)],
      ["recovered", at(400)],
      ["silent", T0],
      ["stale", at(400)],
    ]);
  });
});
