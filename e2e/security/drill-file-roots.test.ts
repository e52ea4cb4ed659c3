// Any `file:///` path on the core host was read as a replica. Now file
// replicas are drilled only under BORELA_FILE_REPLICA_ROOTS (default: the data
// dir): a real replica outside the roots, a symlink inside a root that leads
// out, and a system directory all fail with a reason naming the variable,
// while a replica inside a root restores what `litestream restore` restores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { symlinkSync } from "node:fs";
import path from "node:path";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { reportDatabase, runDrillNow } from "../../core/test/drills/fixtures.ts";
import { plainRestoreCounts, replicatedDatabase } from "./drill-support.ts";

let tmp: TmpDir;
let roots: string;
let outside: string;
let file: string;
let core: TestCore;
beforeAll(async () => {
  tmp = await tmpDir("borela-sec-roots-");
  roots = path.join(tmp.path, "roots");
  outside = path.join(tmp.path, "outside", "replica");
  file = await replicatedDatabase(path.join(tmp.path, "app"), { type: "file", path: outside });
  await replicatedDatabase(path.join(tmp.path, "app-in"), { type: "file", path: path.join(roots, "replica") });
  symlinkSync(outside, path.join(roots, "link"));
  core = await startTestCore({ BORELA_FILE_REPLICA_ROOTS: roots });
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

async function drillOf(name: string, url: string) {
  const p = await core.createProject(name);
  await reportDatabase(core, p.agentToken, file, url, undefined, { position: null });
  return runDrillNow(core, p.id);
}

describe("file replicas are drilled only under BORELA_FILE_REPLICA_ROOTS", () => {
  it("a real replica outside the roots: the drill fails naming the variable", async () => {
    const drill = await drillOf("outside", `file://${outside}`);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toBe(
      `file replica ${outside} is outside BORELA_FILE_REPLICA_ROOTS (${roots}): the core drills file replicas only under those directories; add the replica's directory to BORELA_FILE_REPLICA_ROOTS where the drill runs`,
    );
    expect(drill.report.tables ?? {}).toEqual({});
  });

  it("a system directory: fails the same way", async () => {
    const drill = await drillOf("system", "file:///etc");
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(/^file replica \/etc is outside BORELA_FILE_REPLICA_ROOTS/);
  });

  it("a symlink inside a root that leads out of it: fails naming the variable and where it leads", async () => {
    const drill = await drillOf("symlink", `file://${path.join(roots, "link")}`);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(/is outside BORELA_FILE_REPLICA_ROOTS .* \(it resolves to .*outside\/replica\)$/);
  });

  it("a replica inside a root passes with the counts of a plain litestream restore", async () => {
    const inside = path.join(roots, "replica");
    const drill = await drillOf("inside", `file://${inside}`);
    expect(drill.report.error ?? null).toBeNull();
    expect(drill.status).toBe("passed");
    expect(drill.report.tables).toEqual(await plainRestoreCounts(tmp.path, { type: "file", path: inside }));
  });

  it("without BORELA_FILE_REPLICA_ROOTS the root is the data dir", async () => {
    const plain = await startTestCore({ BORELA_FILE_REPLICA_ROOTS: "" });
    try {
      expect(plain.config.fileReplicaRoots).toEqual([plain.config.dataDir]);
      const p = await plain.createProject("default-root");
      await reportDatabase(plain, p.agentToken, file, `file://${path.join(roots, "replica")}`, undefined, { position: null });
      const drill = await runDrillNow(plain, p.id);
      expect(drill.status).toBe("failed");
      expect(drill.report.error).toMatch(new RegExp(`is outside BORELA_FILE_REPLICA_ROOTS \\(${plain.config.dataDir}\\)`));
    } finally {
      await plain.close();
    }
  });
});
