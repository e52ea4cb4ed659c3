// A reported file replica path is data an agent token chose: resolving it must cost a bounded number of file
// system calls (file-roots.ts MAX_RESOLVE_CALLS), whatever links lie under it, and a drill or restore must
// notice when the directory it resolved was swapped for a link before it read it (fileReplicaChange).
// A tester's findings: one self-pointing link of 60 segments made another project's detail page take 23 s
// (56 s for one resolution of a 400-segment link), and 460 missing segments took ~30 ms per path.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileReplicaChange, realReplicaPath, replicaDirMade, resolveFileReplica } from "../../src/drills/file-roots.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-resolve-");
});
afterAll(async () => {
  await tmp?.remove();
});

describe("realReplicaPath", () => {
  it("resolves a link loop of long targets and a path of hundreds of missing segments in bounded time, to null", async () => {
    const loop = path.join(tmp.path, "L");
    symlinkSync(path.join(loop, ...Array.from({ length: 400 }, () => "a")), loop);
    const started = performance.now();
    expect(await realReplicaPath(path.join(loop, "x0"))).toBeNull();
    const deep = path.join(tmp.path, "missing", ...Array.from({ length: 460 }, (_, i) => `s${i}`));
    expect(await realReplicaPath(deep)).toBeNull();
    const ms = performance.now() - started;
    console.log(`[resolve] a 400-segment link loop and 460 missing segments: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2_000);
  });

  it("still resolves an ordinary replica directory, one not made yet under a link, and a chain of links", async () => {
    const real = path.join(tmp.path, "vol", "app");
    mkdirSync(real, { recursive: true });
    symlinkSync(path.join(tmp.path, "vol"), path.join(tmp.path, "cur"));
    symlinkSync(path.join(tmp.path, "cur"), path.join(tmp.path, "cur2"));
    expect(await realReplicaPath(real)).toBe(real);
    expect(await realReplicaPath(path.join(tmp.path, "cur2", "app"))).toBe(real);
    expect(await realReplicaPath(path.join(tmp.path, "cur", "new", "db"))).toBe(path.join(tmp.path, "vol", "new", "db"));
  });

  it("refuses to drill a path that does not resolve within the bound, naming why", async () => {
    await expect(resolveFileReplica(path.join(tmp.path, "L", "x1"), [tmp.path])).rejects.toThrow(/does not resolve within \d+ file system calls/);
  });
});

describe("fileReplicaChange", () => {
  it("is null for an unchanged directory, and names a directory swapped for a link, or gone, after it was resolved", async () => {
    const mine = path.join(tmp.path, "mine");
    const theirs = path.join(tmp.path, "theirs");
    mkdirSync(mine);
    mkdirSync(theirs);
    writeFileSync(path.join(theirs, "f"), "x");
    const resolved = await resolveFileReplica(mine, [tmp.path]);
    expect(await replicaDirMade(resolved)).toBe(true);
    expect(await fileReplicaChange(resolved)).toBeNull();
    renameSync(mine, `${mine}.away`);
    expect(await fileReplicaChange(resolved)).toMatch(/changed while it was read \(it now does not resolve\)/);
    symlinkSync(theirs, mine);
    expect(await fileReplicaChange(resolved)).toMatch(new RegExp(`changed while it was read \\(it now resolves to ${theirs}\\)`));
    expect(await replicaDirMade(path.join(tmp.path, "never"))).toBe(false);
  });
});
