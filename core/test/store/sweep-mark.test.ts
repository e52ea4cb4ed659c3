// Issue 20 item 3: the last completed sweep is kept in the store, so a core reads its peers' sweeps
// too: two connections on one real SQLite store (committed migrations) stand for two core processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, openStore, type Store } from "../../src/store/db.ts";
import { openFastPath, type FastPath } from "../../src/store/fast-path.ts";
import { SWEEP_MARK_KEY } from "../../src/store/sweep-mark.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let dir: TmpDir;
let store: Store;
let a: FastPath;
let b: FastPath;

beforeAll(async () => {
  dir = await tmpDir("borela-sweep-mark-");
  store = await openStore(dir.path);
  a = openFastPath(databaseFile(dir.path), { maxDatabasesPerProject: 4 });
  b = openFastPath(databaseFile(dir.path), { maxDatabasesPerProject: 4 });
});
afterAll(async () => {
  a?.close();
  b?.close();
  await store?.$disconnect();
  await dir?.remove();
});

describe("SweepMark", () => {
  it("none before a first sweep; a peer's later sweep is read; an earlier one never moves it back", async () => {
    expect(a.sweep.mark.latest()).toBeNull();
    a.sweep.mark.record(new Date("2026-03-01T10:00:00.000Z"));
    expect(b.sweep.mark.latest()).toEqual(new Date("2026-03-01T10:00:00.000Z"));
    b.sweep.mark.record(new Date("2026-03-01T10:00:15.000Z"));
    a.sweep.mark.record(new Date("2026-03-01T10:00:05.000Z"));
    expect(a.sweep.mark.latest()).toEqual(new Date("2026-03-01T10:00:15.000Z"));
    // One row in the Setting table Prisma reads too.
    expect(await store.setting.findUnique({ where: { key: SWEEP_MARK_KEY } })).toEqual({ key: SWEEP_MARK_KEY, value: "2026-03-01T10:00:15.000+00:00" });
  });
});
