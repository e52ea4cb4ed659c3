// The demo on its default Litestream line, 0.5 (issue 16, item 6): `borela serve --demo` on a fresh data
// dir prints a plain restore naming the 0.5 binary, the demo replica holds LTX files (no generations),
// the project turns fresh, and the automatic first drill of the app database passes on the `ltx` layout
// with Litestream v0.5.16, its counts equal to a plain `litestream-0.5 restore -txid <the drill's TXID>`
// of the same replica; stopped, a plain latest restore equals the database. npm-start.test.ts runs the
// demo on 0.3.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveLitestreamBinFor } from "../../core/src/litestream/binary.ts";
import { restore } from "../../core/src/litestream/commands.ts";
import { tableCounts } from "../../core/test/drills/fixtures.ts";
import { run05 } from "../../core/test/litestream/live-v5.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { stopProcess } from "../support/core-process.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-demo-v5-"));
const token = "bradm_demo_v5_test";
const { BORELA_LITESTREAM_VERSION: _unset, ...inherited } = process.env;
const env = { ...inherited, BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: token, BORELA_LOG_LEVEL: "warn" };
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the demo on Litestream 0.5", () => {
  it("replicates LTX files, turns fresh, and its first drill passes with a plain 0.5 restore's counts", async () => {
    child = spawn(process.execPath, [path.join(root, "core/bin/borela.js"), "serve", "--demo", "--port", "0"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const port = await waitFor(() => (out.includes("Restore the demo database") ? /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] : null), { timeoutMs: 30_000, what: `the demo to start:\n${out}` });
    const bin05 = resolveLitestreamBinFor("0.5");
    expect(out).toContain(`${bin05} restore -o /tmp/app-restored.sqlite3`);
    const api = async (url: string) => (await fetch(`http://127.0.0.1:${port}${url}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
    const demo = (await api("/api/v1/projects")).find((p: { name: string }) => p.name === "demo");
    const drill = await waitFor(
      async () => {
        const drills = (await api(`/api/v1/projects/${demo.id}/drills`)) as any[];
        const d = drills.find((x) => x.database === "app" && ["passed", "failed", "error"].includes(x.status));
        return d ? await api(`/api/v1/drills/${d.id}`) : null;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: "the demo's first drill of app to finish" },
    );
    expect(drill.status, JSON.stringify(drill.report)).toBe("passed");
    expect(drill.report).toMatchObject({ layout: "ltx", litestreamVersion: "v0.5.16" });
    const replica = path.join(dataDir, "demo", "replica", "app");
    expect(readdirSync(replica)).toEqual(["ltx"]);
    expect(existsSync(path.join(replica, "generations"))).toBe(false);

    // A plain restore of the same replica up to the drill's TXID (the sample writer went on since).
    expect(drill.report.txid).toBeGreaterThan(0);
    const atDrill = path.join(dataDir, "plain-at-drill.sqlite3");
    const run = await run05(path.join(dataDir, "plain-at-drill"), { type: "file", path: replica }, ["restore", "-o", atDrill, "-txid", drill.report.txid.toString(16).padStart(16, "0")]);
    expect(run.code, run.stderr).toBe(0);
    expect(tableCounts(atDrill)).toEqual(drill.report.tables);

    // Stopped (Litestream's final sync): a plain latest restore equals the database.
    await stopProcess(child, "SIGINT");
    const restored = path.join(dataDir, "plain.sqlite3");
    await restore({ replica: { type: "file", path: replica } }, { outputPath: restored, timeoutMs: 60_000, bin: bin05 });
    expect(tableCounts(restored)).toEqual(tableCounts(path.join(dataDir, "demo", "app.sqlite3")));
  }, 150_000);
});
