import { describe, expect, it } from "vitest";
import { comparePositions, initialPending, stepPending, type PendingObservation, type PendingState } from "../../src/agent/pending.ts";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const live = (db: [number, number], replica: [number, number]) => ({ database: { index: db[0], offset: db[1] }, replica: { index: replica[0], offset: replica[1] } });
const pos = (index: number, offset: number, generation = "aaaaaaaaaaaaaaaa") => ({ generation, index, offset });

function run(steps: Array<Omit<PendingObservation, "now"> & { at: number }>): PendingState[] {
  const states: PendingState[] = [];
  let state = initialPending;
  for (const { at, ...obs } of steps) {
    state = stepPending(state, { now: t(at), ...obs });
    states.push(state);
  }
  return states;
}

describe("comparePositions", () => {
  it("orders by WAL index, then offset", () => {
    expect(comparePositions({ index: 1, offset: 0 }, { index: 0, offset: 9999 })).toBeGreaterThan(0);
    expect(comparePositions({ index: 2, offset: 10 }, { index: 2, offset: 20 })).toBeLessThan(0);
    expect(comparePositions({ index: 2, offset: 20 }, { index: 2, offset: 20 })).toBe(0);
  });
});

describe("stepPending with Litestream's metrics", () => {
  it("is pending while the replica is behind, since the oldest change it has not reached", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: live([0, 100], [0, 100]) },
      { at: 5, databaseChanged: true, live: live([0, 200], [0, 100]) },
      { at: 10, databaseChanged: true, live: live([0, 300], [0, 200]) },
      { at: 15, databaseChanged: false, live: live([0, 300], [0, 300]) },
    ]);
    // At 10 the replica has reached what the database had at 5: only the change seen at 10 is pending.
    expect(states.map((s) => s.pendingSince)).toEqual([null, t(5), t(10), null]);
  });

  it("dates a lag first seen in the metrics to the change seen before it", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: live([1, 0], [1, 0]) },
      { at: 3, databaseChanged: true, live: null },
      { at: 6, databaseChanged: false, live: live([1, 500], [1, 0]) },
    ]);
    expect(states[2].pendingSince).toEqual(t(3));
  });

  it("counts a new WAL index on the database as ahead of any offset in the old one", () => {
    const [s] = run([{ at: 0, databaseChanged: true, live: live([3, 32], [2, 99999]) }]);
    expect(s.pendingSince).toEqual(t(0));
  });

  it("never marks an idle database pending", () => {
    const states = run(Array.from({ length: 20 }, (_, i) => ({ at: i * 30, databaseChanged: false, live: live([4, 4152], [4, 4152]) })));
    expect(states.every((s) => s.pendingSince === null)).toBe(true);
  });
});

describe("stepPending without metrics (Litestream dead or observed without addr)", () => {
  it("an idle database is never pending even when storage does not move", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: null, stored: pos(1, 100) },
      { at: 30, databaseChanged: false, live: null, stored: pos(1, 100) },
      { at: 60, databaseChanged: false, live: null, stored: pos(1, 100) },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([null, null, null]);
  });

  it("is pending from the first change after storage last advanced, until it advances again", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: null, stored: pos(1, 100) },
      { at: 5, databaseChanged: true, live: null },
      { at: 10, databaseChanged: true, live: null, stored: pos(1, 100) },
      { at: 15, databaseChanged: true, live: null },
      { at: 20, databaseChanged: false, live: null, stored: pos(1, 400) },
      { at: 25, databaseChanged: false, live: null },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([null, t(5), t(5), t(5), null, null]);
    expect(states[4].storedAdvancedAt).toEqual(t(20));
  });

  it("keeps the lag's start when Litestream dies while behind", () => {
    const states = run([
      { at: 0, databaseChanged: true, live: live([0, 200], [0, 100]) },
      { at: 5, databaseChanged: true, live: null, stored: pos(0, 100) },
      { at: 10, databaseChanged: true, live: null, stored: pos(0, 100) },
    ]);
    // the first storage read is only a baseline: it proves nothing about the changes before it
    expect(states.map((s) => s.pendingSince)).toEqual([t(0), t(0), t(0)]);
  });

  it("a new generation in storage counts as progress", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: null, stored: pos(5, 100, "aaaaaaaaaaaaaaaa") },
      { at: 5, databaseChanged: true, live: null, stored: pos(5, 100, "aaaaaaaaaaaaaaaa") },
      { at: 10, databaseChanged: false, live: null, stored: pos(0, 32, "bbbbbbbbbbbbbbbb") },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([null, t(5), null]);
  });

  it("the first backup of an empty replica counts as progress", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: null, stored: null },
      { at: 5, databaseChanged: true, live: null, stored: null },
      { at: 10, databaseChanged: false, live: null, stored: pos(0, 4152) },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([null, t(5), null]);
  });

  it("an unreadable replica (stored undefined) proves nothing: changes stay pending", () => {
    const states = run([
      { at: 0, databaseChanged: true, live: null },
      { at: 30, databaseChanged: true, live: null },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([t(0), t(0)]);
  });
});

describe("stepPending keeps the oldest unreplicated database position", () => {
  it("a replica one sync behind a steady writer is pending only since the position it has not reached yet", () => {
    // Each sample: the database moved on, the replica reached the previous sample's position.
    const steps = Array.from({ length: 30 }, (_, i) => ({ at: i, databaseChanged: true, live: live([1, 1000 + 100 * (i + 1)], [1, 1000 + 100 * i]) }));
    const states = run(steps);
    states.forEach((s, i) => expect(s.pendingSince).toEqual(t(i)));
  });

  it("dates a slow replica's lag to the first position it has not reached", () => {
    const states = run([
      { at: 0, databaseChanged: true, live: live([1, 200], [1, 100]) },
      { at: 1, databaseChanged: true, live: live([1, 300], [1, 100]) },
      { at: 2, databaseChanged: true, live: live([1, 400], [1, 250]) },
      { at: 3, databaseChanged: false, live: live([1, 400], [1, 400]) },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([t(0), t(0), t(1), null]);
  });

  it("forgets positions of an earlier generation when the database goes back to index 0", () => {
    const states = run([
      { at: 0, databaseChanged: true, live: live([5, 900], [5, 100]) },
      { at: 1, databaseChanged: true, live: live([0, 4152], [0, 32]) },
      { at: 2, databaseChanged: false, live: live([0, 4152], [0, 4152]) },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([t(0), t(1), null]);
  });

  it("stays bounded and never understates a lag", () => {
    const steps = Array.from({ length: 200 }, (_, i) => ({ at: i, databaseChanged: true, live: live([1, 100 * (i + 2)], [1, 100]) }));
    const states = run(steps);
    expect(states[199].unreplicated.length).toBeLessThanOrEqual(64);
    expect(states[199].pendingSince).toEqual(t(0));
  });

  it("after a checkpoint, an idle caught-up replica (index 1, offset within file 1) is not pending", () => {
    // Litestream's litestream_shadow_wal_size would say 6068824 here (files 0 and 1 together); the file itself is 4152.
    const states = run(Array.from({ length: 10 }, (_, i) => ({ at: i, databaseChanged: false, live: live([1, 4152], [1, 4152]) })));
    expect(states.every((s) => s.pendingSince === null)).toBe(true);
  });
});
