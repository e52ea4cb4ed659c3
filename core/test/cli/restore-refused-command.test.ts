// The restore command the API offers (dashboard, emails) after a drill failed on a damaged backup:
// the plain command would be refused, so the offered one carries --force and a note saying why —
// and that offered command, run as printed, gets past the refusal.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReplicaClient } from "../../src/litestream/client/replica-client.ts";
import { FORCE_NOTE } from "../../src/snippets/restore-refusal.ts";
import { restore05, startLitestream05 } from "../litestream/live-v5.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "../drills/fixtures.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BORELA_")));
let core: TestCore;
let tmp: TmpDir;

beforeAll(async () => {
  core = await startTestCore();
  tmp = await tmpDir("borela-restore-refused-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

function borela(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp.path, env: { ...clean, BORELA_ADMIN_TOKEN: core.adminToken }, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

/** The offered command's words, as a shell would split them (no quoting needed here), without the note and `npx borela`. */
function words(command: string): string[] {
  const [cmd] = command.split("  #");
  return cmd.trim().split(/\s+/).slice(2);
}

describe("restore commands offered after a failed drill", () => {
  it("carry --force and say why; the plain command is refused, the offered one is not", async () => {
    const dir = path.join(tmp.path, "shop");
    const file = seededDatabase(dir);
    const target = { type: "file" as const, path: path.join(dir, "replica") };
    const live = await startLitestream05(path.join(dir, "ls05"), file, target);
    try {
      await live.caughtUp();
      await live.snapshotted();
      addRows(file, 3, 7);
      await live.caughtUp();
    } finally {
      await live.stop();
    }
    const project = await core.createProject("shop");
    await reportDatabase(core, project.agentToken, file, `file://${target.path}`, undefined, { position: null });

    const passed = await runDrillNow(core, project.id);
    expect(passed.status).toBe("passed");
    const plain = path.join(tmp.path, "plain.sqlite3");
    expect(await restore05(path.join(tmp.path, "plain"), target, plain)).toBeNull();
    expect(passed.report.tables).toEqual(tableCounts(plain));
    const before = (await core.api("GET", `/api/v1/projects/${project.id}`)).body.databases[0].restoreCommands.borela as string;
    expect(before).toBe(`npx borela restore shop --database app -o /tmp/app-restored.sqlite3 --server ${core.url}`);

    const { ltx } = await openReplicaClient(target).list();
    const snapshot = ltx.find((f) => f.level === 9)!;
    const bytes = readFileSync(snapshot.key);
    bytes[bytes.length - 40] ^= 0x10;
    writeFileSync(snapshot.key, bytes);
    const failed = await runDrillNow(core, project.id);
    expect(failed.status).toBe("failed");

    const offered = (await core.api("GET", `/api/v1/projects/${project.id}`)).body.databases[0].restoreCommands.borela as string;
    expect(offered).toBe(`npx borela restore shop --database app -o /tmp/app-restored.sqlite3 --server ${core.url} --force  ${FORCE_NOTE}`);

    const args = words(offered).map((w) => (w === "/tmp/app-restored.sqlite3" ? path.join(tmp.path, "offered.sqlite3") : w));
    const refused = await borela(args.filter((w) => w !== "--force"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^borela restore: refusing to restore shop\/app .*backup is damaged/);
    const forced = await borela(args);
    expect(forced.stderr).not.toMatch(/refusing to restore/);
    expect(forced.stdout).toContain("restoring anyway (--force)");
  }, 120_000);
});
