import { describe, expect, it } from "vitest";
import { txidPoints } from "../../src/agent/live-points.ts";
import { comparePositions, initialPending, stepPending, type PendingObservation, type PendingState } from "../../src/agent/pending.ts";
import type { DatabaseMetrics } from "../../src/litestream/metrics.ts";

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

  it("dates a lag to when the metrics first show the database ahead, not to a change seen without them", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: live([1, 0], [1, 0]) },
      { at: 3, databaseChanged: true, live: null },
      { at: 6, databaseChanged: false, live: live([1, 500], [1, 0]) },
    ]);
    expect(states[1].pendingSince).toEqual(t(3)); // a guess while there is no live view
    expect(states[2].pendingSince).toEqual(t(6)); // the live view replaces it
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

// A newcomer's findings on Litestream 0.5 (TXIDs as { index: 0, offset: txid }, built by txidPoints as the agent does).
const txid = (n: number) => ({ index: 0, offset: n });
const metrics = (n: number): DatabaseMetrics => ({ path: "/db", dbSize: null, walSize: null, shadowWalIndex: null, shadowWalSize: null, totalWalBytes: null, syncCount: null, syncErrorCount: null, txid: n, replicas: new Map() });
const stored = (n: number) => ({ generation: null, index: 0, offset: n, txid: n });

describe("stepPending across a Litestream restart (finding 1: lag jumped from 1 min 20 s to 7.4 s)", () => {
  it("keeps pendingSince while the replica stays at TXID 160: metrics gone, then a new Litestream whose litestream_txid reads 0", () => {
    const steps: Array<Omit<PendingObservation, "now"> & { at: number }> = [
      { at: 0, databaseChanged: true, live: txidPoints(metrics(170), stored(160)), stored: stored(160) },
      { at: 5, databaseChanged: true, live: txidPoints(metrics(175), stored(160)), stored: stored(160) },
      { at: 10, databaseChanged: true, live: null, stored: stored(160) }, // stopping: no metrics
      { at: 15, databaseChanged: false, live: txidPoints(metrics(0), stored(160)), stored: stored(160) }, // new process, not synced yet
      { at: 20, databaseChanged: true, live: txidPoints(metrics(180), stored(160)), stored: stored(160) },
      { at: 25, databaseChanged: true, live: txidPoints(metrics(185), stored(160)), stored: stored(160) },
    ];
    expect(run(steps).map((s) => s.pendingSince)).toEqual([t(0), t(0), t(0), t(0), t(0), t(0)]);
  });

  it("remembers which positions were pending across a stretch without metrics: the oldest not reached dates the lag", () => {
    const states = run([
      { at: 0, databaseChanged: true, live: live([0, 170], [0, 160]) },
      { at: 5, databaseChanged: true, live: live([0, 180], [0, 160]) },
      { at: 10, databaseChanged: false, live: null },
      { at: 15, databaseChanged: false, live: live([0, 180], [0, 175]) },
      { at: 20, databaseChanged: false, live: live([0, 180], [0, 180]) },
    ]);
    // At 15 the replica passed 170 (seen at 0) but not 180 (seen at 5).
    expect(states.map((s) => s.pendingSince)).toEqual([t(0), t(0), t(0), t(5), null]);
  });

  it("a new Litestream not synced yet (litestream_txid 0) uploading part of the backlog is not caught up: its local L0 stands for the database", () => {
    // A tester: MinIO down, Litestream restarted by the agent at 353 with the replica at 316; the first upload
    // after the restart took storage to 318 and the project read "replicas caught up" for a heartbeat.
    const states = run([
      { at: 0, databaseChanged: true, live: txidPoints(metrics(353), stored(316), 353), stored: stored(316) },
      { at: 5, databaseChanged: false, live: null, stored: stored(316) }, // restarting: no metrics
      { at: 10, databaseChanged: true, live: txidPoints(metrics(0), stored(318), 353), stored: stored(318) },
      { at: 15, databaseChanged: true, live: txidPoints(metrics(354), stored(340), 354), stored: stored(340) },
      { at: 20, databaseChanged: false, live: txidPoints(metrics(354), stored(354), 354), stored: stored(354) },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([t(0), t(0), t(0), t(0), null]);
    // Neither metric nor local L0 known: no live view, as before.
    expect(txidPoints(metrics(0), stored(318), null)).toBeNull();
    expect(txidPoints(null, stored(318), 353)).toBeNull();
  });

  it("a storage advance during the stretch without metrics still counts as progress", () => {
    const states = run([
      { at: 0, databaseChanged: true, live: live([0, 170], [0, 160]), stored: stored(160) },
      { at: 5, databaseChanged: false, live: null, stored: stored(170) },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([t(0), null]);
  });
});

describe("stepPending and the sampling interval (finding 5: a one-transaction gap shown as 22 s of changes waiting)", () => {
  it("dates a gap to the sample that first saw the database ahead at that TXID, after a sample without metrics", () => {
    const states = run([
      { at: 0, databaseChanged: false, live: live([0, 389], [0, 389]) },
      { at: 3, databaseChanged: true, live: null }, // one metrics read that failed while the database changed
      { at: 5, databaseChanged: false, live: live([0, 389], [0, 389]) },
      { at: 25, databaseChanged: true, live: live([0, 390], [0, 389]) },
      { at: 30, databaseChanged: false, live: live([0, 390], [0, 390]) },
    ]);
    expect(states.map((s) => s.pendingSince)).toEqual([null, t(3), null, t(25), null]);
  });

  it("a gap that closes by the next sample never dates back further than one sampling interval", () => {
    const every = 5;
    // A database one TXID ahead at every other sample, with metrics missing at times in between.
    const steps: Array<Omit<PendingObservation, "now"> & { at: number }> = [];
    for (let i = 0; i < 40; i++) {
      const n = 389 + Math.floor(i / 2);
      const ahead = i % 2 === 0;
      steps.push({ at: i * every, databaseChanged: ahead || i % 3 === 0, live: i % 5 === 4 ? null : live([0, ahead ? n + 1 : n], [0, n]) });
    }
    const states = run(steps);
    states.forEach((s, i) => {
      if (s.pendingSince && steps[i].live) expect(steps[i].at * 1000 - s.pendingSince.getTime() + t(0).getTime()).toBeLessThanOrEqual(every * 1000);
    });
  });
});
