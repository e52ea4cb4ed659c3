// Security tester, issue 13 follow-up: hard links got around BORELA_FILE_REPLICA_ROOTS. Hard-linking a
// replica's files from outside the roots into a directory under a root made the drill read them (a link
// is the same file, and resolving paths cannot tell). Now a replica holding a file with more than one link
// fails the drill naming the file and the variable. Litestream itself never links replica files: real 0.3
// and 0.5 file replicas hold only files with one link, and still drill.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { addRows, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "../../core/test/drills/fixtures.ts";
import { run05, startLitestream05 } from "../../core/test/litestream/live-v5.ts";
import { plainRestoreCounts, replicatedDatabase } from "./drill-support.ts";

/** Every file under `dir` with its link count. Bounded: replica trees are a few levels deep. */
function linkCounts(dir: string): Array<[string, number]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return [full, lstatSync(full).nlink] as [string, number];
    });
}

/** Hard-links every file of `from` into the same places under `to`. */
function hardLinkTree(from: string, to: string): void {
  for (const e of readdirSync(from, { recursive: true, withFileTypes: true })) {
    const src = path.join(e.parentPath, e.name);
    const dst = path.join(to, path.relative(from, src));
    if (e.isDirectory()) mkdirSync(dst, { recursive: true });
    else {
      mkdirSync(path.dirname(dst), { recursive: true });
      linkSync(src, dst);
    }
  }
}

let tmp: TmpDir;
let roots: string;
let core: TestCore;
let file: string;
let outside: string;
beforeAll(async () => {
  tmp = await tmpDir("borela-sec-hardlinks-");
  roots = path.join(tmp.path, "roots");
  outside = path.join(tmp.path, "outside", "replica");
  file = await replicatedDatabase(path.join(tmp.path, "app"), { type: "file", path: outside });
  hardLinkTree(outside, path.join(roots, "linked"));
  core = await startTestCore({ BORELA_FILE_REPLICA_ROOTS: roots });
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

async function drillOf(name: string, url: string, db = file) {
  const p = await core.createProject(name);
  await reportDatabase(core, p.agentToken, db, url, undefined, { position: null });
  return runDrillNow(core, p.id);
}

describe("hard links into BORELA_FILE_REPLICA_ROOTS", () => {
  it("a replica whose files are hard links of a replica outside the roots fails, naming a file and the variable", async () => {
    const linked = path.join(roots, "linked");
    expect(linkCounts(linked).every(([, n]) => n === 2)).toBe(true);
    const drill = await drillOf("hard-linked", `file://${linked}`);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(
      new RegExp(`^file replica ${linked} holds ${linked}/generations/\\S+ with 2 hard links: .*BORELA_FILE_REPLICA_ROOTS.*one link$`),
    );
    expect(drill.report.tables ?? {}).toEqual({});
  });

  it("Litestream 0.3's own file replica holds only files with one link, and drills like a plain restore", async () => {
    const inside = path.join(roots, "real-03");
    const db = await replicatedDatabase(path.join(tmp.path, "app-03"), { type: "file", path: inside });
    const counts = linkCounts(inside);
    expect(counts.length).toBeGreaterThan(1);
    expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
    const drill = await drillOf("real-03", `file://${inside}`, db);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(await plainRestoreCounts(tmp.path, { type: "file", path: inside }));
  });

  it("Litestream 0.5's own file replica (LTX, after compaction) holds only files with one link, and drills like a plain restore", async () => {
    const inside = path.join(roots, "real-05");
    const dir = path.join(tmp.path, "app-05");
    const db = seededDatabase(dir);
    const ls = await startLitestream05(dir, db, { type: "file", path: inside }, { l1: "1s" });
    try {
      await ls.caughtUp();
      addRows(db, 3, 5);
      await ls.caughtUp();
      // Wait out one level-1 compaction so files written by compaction are looked at too.
      await new Promise((r) => setTimeout(r, 2_500));
    } finally {
      await ls.stop();
    }
    const counts = linkCounts(inside);
    expect(counts.some(([f]) => f.includes(`${path.sep}1${path.sep}`) || /\/0001\//.test(f))).toBe(true);
    expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
    const drill = await drillOf("real-05", `file://${inside}`, db);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    const output = path.join(tmp.path, "plain-05.sqlite3");
    const plain = await run05(path.join(tmp.path, "plain-05"), { type: "file", path: inside }, ["restore", "-o", output]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(drill.report.tables).toEqual(tableCounts(output));
  });
});
