// The restore command the API offers (dashboard, emails) after a drill failed on a damaged LTX file
// (Litestream 0.5): `litestream restore` fails on that file too ("file checksum mismatch"), so the
// offered command carries no --force, and `borela restore` (with or without --force) refuses, naming a
// --timestamp before the damaged file — and that --timestamp restore, run as printed, brings back what
// a plain `litestream restore -timestamp` brings back.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { planLtxRestore } from "../../src/litestream/ltx-plan.ts";
import { LTX_DAMAGE_NOTE } from "../../src/snippets/restore-refusal.ts";
import { restore05, startLitestream05 } from "../litestream/live-v5.ts";
import { cleanEnv, runBorela } from "../support/borela-cli.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { sleep } from "../support/wait-for.ts";
import { addRows, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "../drills/fixtures.ts";

const clean = cleanEnv();
const core = useTestCore();
const tmp = useTmpDir("borela-restore-refused-");


function borela(args: string[]) {
  return runBorela(args, { cwd: tmp.path, env: { ...clean, BORELA_ADMIN_TOKEN: core.adminToken } });
}

/** The offered command's words, as a shell would split them (no quoting needed here), without the note and `npx borela`. */
function words(command: string): string[] {
  const [cmd] = command.split("  #");
  return cmd.trim().split(/\s+/).slice(2);
}

describe("restore commands offered after a drill failed on a damaged LTX file", () => {
  it("carry no --force; borela restore refuses even forced and names a --timestamp before the file, which restores what litestream restore -timestamp does", async () => {
    const dir = path.join(tmp.path, "shop");
    const file = seededDatabase(dir);
    const target = { type: "file" as const, path: path.join(dir, "replica") };
    const live = await startLitestream05(path.join(dir, "ls05"), file, target, { l1: "1h" }); // no compaction: the last batch stays its own level-0 file
    let countsBefore: Record<string, number>;
    try {
      await live.caughtUp();
      await live.snapshotted();
      addRows(file, 3, 7);
      await live.caughtUp();
      countsBefore = tableCounts(file);
      await sleep(1100);
      addRows(file, 2, 5);
      await live.caughtUp();
    } finally {
      await live.stop();
    }
    const project = await core.createProject("shop");
    await reportDatabase(core, project.agentToken, file, `file://${target.path}`, undefined, { position: null });
    const passed = await runDrillNow(core, project.id);
    expect(passed.status).toBe("passed");

    const planned = planLtxRestore((await openReplicaClient(target).list()).ltx);
    const last = planned.ok ? planned.plan.files.at(-1)! : null;
    expect(last?.level).toBe(0);
    const bytes = readFileSync(last!.key);
    bytes[bytes.length - 40] ^= 0x10; // inside the page index: only the file checksum notices
    writeFileSync(last!.key, bytes);
    // The rewrite left a nanosecond mtime; make its sub-millisecond part one that Node's stat().mtime rounds up,
    // so a --timestamp taken from a rounded time would let litestream restore take the damaged file.
    const rewritten = statSync(last!.key).mtime;
    execFileSync("touch", ["-d", `${new Date(rewritten.getTime() + 1).toISOString().slice(0, 23)}700000Z`, last!.key]);
    const failed = await runDrillNow(core, project.id);
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(/backup is damaged: LTX file level 0 .* is damaged: file checksum mismatch/);
    // Litestream itself fails on it: forcing Borela's check out of the way would only reach this.
    const plainOutput = path.join(tmp.path, "plain.sqlite3");
    expect(await restore05(path.join(tmp.path, "plain"), target, plainOutput)).toMatch(/file checksum mismatch/);

    const offered = (await core.api("GET", `/api/v1/projects/${project.id}`)).body.databases[0].restoreCommands.borela as string;
    expect(offered).toBe(`npx borela restore shop --database app -o /tmp/app-restored.sqlite3 --server ${core.url}  ${LTX_DAMAGE_NOTE}`);
    expect(words(offered)).not.toContain("--force");

    const args = words(offered).map((w) => (w === "/tmp/app-restored.sqlite3" ? path.join(tmp.path, "offered.sqlite3") : w));
    const refused = await borela(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^borela restore: refusing to restore shop\/app .*backup is damaged: .*file checksum mismatch/);
    expect(refused.stderr).not.toContain("--force restores anyway");
    const escape = refused.stderr.match(/litestream restore fails on this file too, so --force cannot help; restore the state before it with --timestamp (\S+) \(up to TXID 0x([0-9a-f]+), as of \S+\)/);
    expect(escape).not.toBeNull();
    expect(parseInt(escape![2], 16)).toBe(last!.minTXID - 1);
    const forced = await borela([...args, "--force"]);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain("--force cannot help");

    const timestamp = new Date(escape![1]);
    const restored = await borela([...args, "--timestamp", escape![1]]);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    const plainAt = path.join(tmp.path, "plain-at.sqlite3");
    expect(await restore05(path.join(tmp.path, "plain-at"), target, plainAt, timestamp)).toBeNull();
    expect(tableCounts(path.join(tmp.path, "offered.sqlite3"))).toEqual(tableCounts(plainAt));
    expect(tableCounts(plainAt)).toEqual(countsBefore);
  }, 120_000);
});
