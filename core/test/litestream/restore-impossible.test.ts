// A replica a plain `litestream restore` cannot restore is a problem, and its
// summary describes the generation a restore would use (issue 12, tester's
// finding 2): the newest generation lost its snapshots while an older one is
// intact → "no snapshots available", and lastSnapshotAt is not the older
// generation's snapshot.
import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restore } from "../../src/litestream/commands.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { createDatabase, startLitestream } from "./live.ts";

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-impossible-");
});
afterAll(async () => {
  await tmp?.remove();
});

describe("a replica litestream restore cannot restore", () => {
  it("names the failure in words; lastSnapshotAt and position describe the generation a restore would use", async () => {
    const file = path.join(tmp.path, "app.sqlite3");
    const replica = path.join(tmp.path, "replica");
    const target = { type: "file" as const, path: replica };
    createDatabase(file, 40);
    for (const round of ["one", "two"]) {
      const ls = await startLitestream(path.join(tmp.path, round), file, target);
      await ls.caughtUp();
      await ls.stop();
      // Local state lost: the next start begins a new generation.
      rmSync(path.join(tmp.path, ".app.sqlite3-litestream"), { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1100)); // distinct file times per generation
    }
    const healthy = await readReplica(target);
    expect(healthy.problems).toEqual([]);
    const newer = healthy.generation!;
    const snapshots = path.join(replica, "generations", newer, "snapshots");
    const olderSnapshot = readdirSync(path.join(replica, "generations"))
      .filter((g) => g !== newer)
      .map((g) => statSync(path.join(replica, "generations", g, "snapshots", "00000000.snapshot.lz4")).mtime)[0];
    rmSync(snapshots, { recursive: true });

    const state = await readReplica(target);
    expect(state.generation).toBe(newer);
    expect(state.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^litestream restore of file://${replica.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} would fail: generation ${newer}, the one a restore uses, has no snapshot \\(\\d+ WAL segment\\(s\\) only\\): litestream restore fails with "no snapshots available"$`),
      ),
    ]);
    // Old code: the older generation's snapshot time.
    expect(state.lastSnapshotAt).toBeNull();
    expect(olderSnapshot).toBeInstanceOf(Date);
    expect(state.position?.generation).toBe(newer);
    await expect(restore({ replica: target }, { outputPath: path.join(tmp.path, "plain.sqlite3"), timeoutMs: 30_000 })).rejects.toThrow(/no snapshots available/);
  }, 60_000);
});
