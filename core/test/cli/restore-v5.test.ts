// `borela restore` of a Litestream 0.5 (LTX) replica written by a real
// `litestream replicate` 0.5: restored with the 0.5 binary, as the drill does,
// to the counts a plain `litestream restore` 0.5 gives; a flipped byte in an
// LTX file is refused naming the file (the drill's check, ltx-check.ts), where
// the old `borela restore` found "no backup" (it read only 0.3 generations), and
// without offering --force: litestream restore fails on that file too.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { restore05 } from "../litestream/live-v5.ts";
import { cleanEnv, runBorela } from "../support/borela-cli.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { replicate05, reportDatabase, seededDatabase, tableCounts } from "../drills/fixtures.ts";

const clean = cleanEnv();
const core = useTestCore();
const tmp = useTmpDir("borela-restore-v5-");


function borela(...args: string[]) {
  return runBorela(args, { cwd: tmp.path, env: { ...clean, BORELA_SERVER: core.url, BORELA_ADMIN_TOKEN: core.adminToken } });
}

async function ltxProject(name: string) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const target = { type: "file" as const, path: path.join(dir, "replica") };
  await replicate05(dir, file, target, 3);
  const project = await core.createProject(name);
  await reportDatabase(core, project.agentToken, file, `file://${target.path}`, undefined, { position: null });
  return { file, target };
}

describe("borela restore of a Litestream 0.5 replica", () => {
  it("restores what litestream restore 0.5 restores; a flipped byte in an LTX file is refused naming it", async () => {
    const { file, target } = await ltxProject("ltx-restore");
    const plainOutput = path.join(tmp.path, "plain.sqlite3");
    expect(await restore05(path.join(tmp.path, "plain"), target, plainOutput)).toBeNull();
    const output = path.join(tmp.path, "restored.sqlite3");
    const ok = await borela("restore", "ltx-restore", "-o", output);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\n  restore: litestream 0\.5 restore \(as of \S+\)\n/);
    expect(ok.stdout).toMatch(/\(LTX up to TXID 0x[0-9a-f]+, as of \S+\)\n$/);
    expect(tableCounts(output)).toEqual(tableCounts(plainOutput));
    expect(tableCounts(output)).toEqual(tableCounts(file));

    const { ltx } = await openReplicaClient(target).list();
    const snapshot = ltx.find((f) => f.level === 9)!;
    const bytes = readFileSync(snapshot.key);
    bytes[bytes.length - 40] ^= 0x10;
    writeFileSync(snapshot.key, bytes);
    const damaged = path.join(tmp.path, "damaged.sqlite3");
    const refused = await borela("restore", "ltx-restore", "-o", damaged);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^borela restore: refusing to restore ltx-restore/app from file://${target.path}: backup is damaged: LTX file level 9 .*${snapshot.name}.*file checksum mismatch.*; litestream restore fails on this file too, so --force cannot help; (restore the state before it with --timestamp \\S+ \\(up to TXID 0x[0-9a-f]+, as of \\S+\\)|no earlier point in time can be restored .*)\\n$`));
    expect(refused.stderr).not.toContain("--force restores anyway");
    expect(existsSync(damaged)).toBe(false);
  }, 120_000);
});
