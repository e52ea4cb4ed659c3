// One project's heartbeats share PROJECT_RESOLVE_CALLS_PER_MINUTE file system calls for resolving their file
// replica paths (drills/resolve-allowance.ts), on top of each heartbeat's HEARTBEAT_RESOLVE_CALLS: a tester's
// one token sending heartbeats of 32 databases × 8 new, deep, missing paths kept the core's CPU busy (56 s in
// 60 s). Here real paths under a temp dir, resolved by placesWithin, as the heartbeat route does.
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResolveAllowance, placesWithin, PROJECT_RESOLVE_CALLS_PER_MINUTE, refill } from "../../src/drills/resolve-allowance.ts";
import { HEARTBEAT_RESOLVE_CALLS } from "../../src/drills/replica-claim-records.ts";
import { heartbeat } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-resolve-allowance-");
});
afterAll(() => tmp.remove());

/** A heartbeat of 32 databases × 8 file replicas, each `depth` segments deep under a directory not made. */
function deepHeartbeat(round: number, depth: number) {
  const hb = heartbeat() as any;
  const template = hb.databases[0];
  const deep = Array.from({ length: depth }, (_, i) => `s${i}`).join("/");
  hb.databases = Array.from({ length: 32 }, (_, d) => ({
    ...template,
    name: `db${d}`,
    path: `/data/db${d}.db`,
    replicas: Array.from({ length: 8 }, (_, r) => ({ ...template.replicas[0], type: "file", url: `file://${tmp.path}/missing-${round}-${d}-${r}/${deep}` })),
  }));
  return hb;
}

describe("resolve allowance", () => {
  it("refills at its rate up to its capacity; a new bucket is full", () => {
    expect(refill(null, 1_000, 4096, 4096)).toEqual({ calls: 4096, at: 1_000 });
    expect(refill({ calls: 0, at: 0 }, 15_000, 4096, 4096)).toEqual({ calls: 1024, at: 15_000 });
    expect(refill({ calls: 4000, at: 0 }, 60_000, 4096, 4096)).toEqual({ calls: 4096, at: 60_000 });
    // A clock stepping back refills nothing.
    expect(refill({ calls: 10, at: 5_000 }, 1_000, 4096, 4096)).toEqual({ calls: 10, at: 1_000 });
  });

  it("one project's heartbeats spend at most a minute's calls however many come; another project is not held back; the next minute refills", async () => {
    let now = 0;
    const allowance = createResolveAllowance({ now: () => now });
    const heartbeatOf = async (projectId: string, round: number) => {
      const { given, spent, places } = await placesWithin(allowance, projectId, deepHeartbeat(round, 70));
      return { given, spent, places: places.size };
    };
    const rounds = [];
    for (let round = 0; round < 8; round++) rounds.push(await heartbeatOf("flood", round));
    const spent = rounds.reduce((sum, r) => sum + r.spent, 0);
    console.log(`[allowance] 8 heartbeats of 256 deep paths: calls given ${rounds.map((r) => r.given).join(", ")}; spent ${spent}`);
    // Each of the first four may spend a heartbeat's whole budget; after them the minute's calls are gone.
    expect(rounds[0].given).toBe(HEARTBEAT_RESOLVE_CALLS);
    expect(spent).toBeLessThanOrEqual(PROJECT_RESOLVE_CALLS_PER_MINUTE);
    expect(rounds.slice(4).every((r) => r.given === 0 && r.places === 0)).toBe(true);
    // Another project's heartbeat in the same minute gets its own budget.
    expect((await heartbeatOf("calm", 100)).given).toBe(HEARTBEAT_RESOLVE_CALLS);
    // A minute later the flood's project may spend again.
    now += 60_000;
    expect((await heartbeatOf("flood", 101)).given).toBe(HEARTBEAT_RESOLVE_CALLS);
  });

  it("calls running short every heartbeat still reach every path in turn: each walk starts where the last was cut", async () => {
    // A tester: 64 paths behind a link made late, heartbeats every second, the bucket drained: 11 of 64 paths
    // had a place after a minute, always the first ones in the report's order.
    mkdirSync(path.join(tmp.path, "target"), { recursive: true });
    symlinkSync(path.join(tmp.path, "target"), path.join(tmp.path, "late-link"));
    const hb = heartbeat() as any;
    const template = hb.databases[0];
    hb.databases = Array.from({ length: 32 }, (_, d) => ({
      ...template,
      name: `db${d}`,
      path: `/data/db${d}.db`,
      replicas: [0, 1].map((r) => ({ ...template.replicas[0], type: "file", url: `file://${tmp.path}/late-link/deeper/still/db${d}/r${r}` })),
    }));
    let now = 0;
    const allowance = createResolveAllowance({ now: () => now, perMinute: 1200 });
    // Drained, as by the heartbeats before: from here on 20 calls a second, a few paths a heartbeat.
    allowance.take("late", 1200);
    const placed = new Set<string>();
    let heartbeats = 0;
    for (; heartbeats < 40 && placed.size < 64; heartbeats++, now += 1000) {
      const { places } = await placesWithin(allowance, "late", hb);
      for (const [url, place] of places) {
        expect(place.dir.startsWith(path.join(tmp.path, "target"))).toBe(true);
        placed.add(url);
      }
    }
    console.log(`[allowance] 64 paths behind a link, a drained bucket of 1,200 calls a minute: all placed after ${heartbeats} heartbeats`);
    expect(placed.size).toBe(64);
  });

  it("an honest heartbeat's unspent calls go back: heartbeats of a few shallow paths never run the bucket down", async () => {
    const allowance = createResolveAllowance({ now: () => 0 });
    const hb = heartbeat() as any;
    hb.databases[0].replicas = [{ ...hb.databases[0].replicas[0], type: "file", url: `file://${path.join(tmp.path, "honest")}` }];
    for (let i = 0; i < 100; i++) {
      const { given, spent } = await placesWithin(allowance, "honest", hb);
      expect(given).toBe(HEARTBEAT_RESOLVE_CALLS);
      expect(spent).toBeGreaterThan(0);
    }
  });
});
