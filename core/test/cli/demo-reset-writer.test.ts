// `borela demo --reset` while something left running still writes into the demo's replica (issue 14:
// "ENOTEMPTY: directory not empty, rmdir '…/demo/replica/borela/ltx'" as a raw stack trace): the reset
// retries, then names what it could not delete in one line; once the writer stops, a reset clears it all.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stopProcess } from "../../../e2e/support/core-process.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const bin = path.join(root, "core/bin/borela.js");
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-demo-writer-"));
const ltx = path.join(dataDir, "demo/replica/borela/ltx");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = { ...process.env, BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: "bradm_demo_writer_test", BORELA_LOG_LEVEL: "warn" };
const reset = () => spawnSync(process.execPath, [bin, "demo", "--reset"], { cwd: root, env, encoding: "utf8", timeout: 60_000 });

// A stray writer: recreates the LTX dir and writes a file into it in a tight loop, for at most 60 s.
const WRITER = `
const fs = require("node:fs"), path = require("node:path");
const dir = process.argv[1], end = Date.now() + 60000;
for (let i = 0; Date.now() < end; i++) {
  try { fs.mkdirSync(dir, { recursive: true }); fs.writeFileSync(path.join(dir, "f" + (i % 1000) + ".ltx"), "x"); } catch {}
}`;

describe("borela demo --reset with a racing writer", () => {
  it("answers in one line naming the path, never a stack trace, and clears everything once the writer stops", async () => {
    mkdirSync(ltx, { recursive: true });
    writeFileSync(path.join(dataDir, "demo/app.sqlite3"), "x");
    const writer = spawn(process.execPath, ["-e", WRITER, ltx], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const raced = reset();
      expect(raced.stderr).not.toMatch(/\n\s+at |Error:/);
      expect(raced.stderr.trim().split("\n")).toHaveLength(1);
      if (raced.status !== 0) {
        expect(raced.status).toBe(1);
        expect(raced.stderr).toMatch(new RegExp(`^borela demo: could not delete ${dataDir}/demo\\S* \\((ENOTEMPTY|EBUSY)\\): something is still writing there`));
      }
    } finally {
      await stopProcess(writer, "SIGKILL");
    }
    const done = reset();
    expect(done.status).toBe(0);
    expect(existsSync(path.join(dataDir, "demo"))).toBe(false);
  }, 90_000);
});
