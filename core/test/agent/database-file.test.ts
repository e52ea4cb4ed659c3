import { rename, writeFile, copyFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { identityProblem, statDatabase } from "../../src/agent/database-file.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let dir: TmpDir;
let db: string;
beforeEach(async () => {
  dir = await tmpDir();
  db = path.join(dir.path, "app.sqlite3");
  await writeFile(db, "x".repeat(4096));
});
afterEach(() => dir.remove());

describe("database file identity", () => {
  it("notices a write through the fingerprint", async () => {
    const a = await statDatabase(db);
    await writeFile(`${db}-wal`, "wal");
    const b = await statDatabase(db);
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(b.walBytes).toBe(3);
    expect(identityProblem(db, a, b)).toBeNull();
  });

  it("names the path of a file moved away", async () => {
    const baseline = await statDatabase(db);
    await rename(db, `${db}.moved`);
    const now = await statDatabase(db);
    expect(now.exists).toBe(false);
    expect(identityProblem(db, baseline, now)).toBe(`database file ${db} was moved or deleted: nothing at ${db} any more, Litestream still holds the old file`);
  });

  it("names the path of a file replaced by another (new inode)", async () => {
    const baseline = await statDatabase(db);
    await copyFile(db, `${db}.new`);
    await rm(db);
    await rename(`${db}.new`, db);
    const now = await statDatabase(db);
    expect(identityProblem(db, baseline, now)).toMatch(new RegExp(`^database file ${db.replace(/[.]/g, "\\.")} was replaced \\(inode \\d+ → \\d+\\)`));
  });

  it("says so when the file never existed (wrong mount path)", async () => {
    const missing = path.join(dir.path, "nope.db");
    expect(identityProblem(missing, null, await statDatabase(missing))).toMatch(/does not exist \(is the volume mounted at the same path/);
  });
});
