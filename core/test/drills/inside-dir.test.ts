// Defence in depth for reported paths: whatever the ingest let through, a file
// replica's directory is inside a root both as written and with links resolved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isInside } from "../../src/drills/inside-dir.ts";
import { FileReplicaRefusedError, fileRootProblem, resolveFileReplica } from "../../src/drills/file-roots.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

describe("isInside and fileRootProblem", () => {
  it("compares whole path segments, resolved", () => {
    expect(isInside("/srv/r", "/srv/r")).toBe(true);
    expect(isInside("/srv/r", "/srv/r/a/b")).toBe(true);
    expect(isInside("/srv/r", "/srv/r/..x")).toBe(true);
    expect(isInside("/srv/r", "/srv/rx")).toBe(false);
    expect(isInside("/srv/r", "/srv/r/../x")).toBe(false);
    expect(isInside("/srv/r", "/")).toBe(false);
  });

  it("names BORELA_FILE_REPLICA_ROOTS", () => {
    expect(fileRootProblem("/srv/r/app", ["/srv/r"])).toBeNull();
    expect(fileRootProblem("/home/u/app", ["/srv/r"])).toMatch(/^file replica \/home\/u\/app is outside BORELA_FILE_REPLICA_ROOTS \(\/srv\/r\)/);
  });
});

describe("resolveFileReplica on a real file system", () => {
  let tmp: TmpDir;
  let root: string;
  let outside: string;
  beforeAll(async () => {
    tmp = await tmpDir("borela-roots-");
    root = path.join(tmp.path, "root");
    outside = path.join(tmp.path, "outside");
    mkdirSync(path.join(root, "good", "generations", "0123456789abcdef", "wal"), { recursive: true });
    mkdirSync(path.join(outside, "generations"), { recursive: true });
    symlinkSync(outside, path.join(root, "escape"));
    mkdirSync(path.join(root, "linked", "generations"), { recursive: true });
    writeFileSync(path.join(outside, "secret"), "x");
    symlinkSync(path.join(outside, "secret"), path.join(root, "linked", "generations", "snap"));
    mkdirSync(path.join(root, "hard", "generations", "0123456789abcdef", "snapshots"), { recursive: true });
    linkSync(path.join(outside, "secret"), path.join(root, "hard", "generations", "0123456789abcdef", "snapshots", "00000000.snapshot.lz4"));
    writeFileSync(path.join(root, "good", "generations", "0123456789abcdef", "wal", "00000000_00000000.wal.lz4"), "x");
  });
  afterAll(async () => tmp?.remove());

  it("returns the real directory of a replica inside a root", async () => {
    expect(await resolveFileReplica(path.join(root, "good"), [root])).toBe(path.join(root, "good"));
    expect(await resolveFileReplica(path.join(root, "not-yet"), [root])).toBe(path.join(root, "not-yet"));
  });

  it("refuses a link that leads out of the roots", async () => {
    await expect(resolveFileReplica(path.join(root, "escape"), [root])).rejects.toThrow(/outside BORELA_FILE_REPLICA_ROOTS .*resolves to/);
  });

  it("refuses a replica holding a symbolic link", async () => {
    await expect(resolveFileReplica(path.join(root, "linked"), [root])).rejects.toThrow(FileReplicaRefusedError);
    await expect(resolveFileReplica(path.join(root, "linked"), [root])).rejects.toThrow(/holds a symbolic link/);
  });

  it("refuses a replica holding a file with more than one hard link, naming it and the variable", async () => {
    const file = path.join(root, "hard", "generations", "0123456789abcdef", "snapshots", "00000000.snapshot.lz4");
    await expect(resolveFileReplica(path.join(root, "hard"), [root])).rejects.toThrow(
      `file replica ${path.join(root, "hard")} holds ${file} with 2 hard links: a hard link can bring a file from outside BORELA_FILE_REPLICA_ROOTS into a root`,
    );
  });

  it("refuses a directory outside the roots", async () => {
    await expect(resolveFileReplica(outside, [root])).rejects.toThrow(/BORELA_FILE_REPLICA_ROOTS/);
  });
});
