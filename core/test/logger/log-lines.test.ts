// pino's JSON lines read as text in a terminal; the JSON stays for pipes and files.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { prettyLogLine } from "../../src/log-lines.ts";

const root = path.resolve(import.meta.dirname, "../../..");

describe("prettyLogLine", () => {
  it("turns a pino line into time, level, message and fields", () => {
    const line = JSON.stringify({ level: 30, time: Date.parse("2026-01-02T03:04:05Z"), pid: 1, hostname: "h", reqId: "req-1", msg: "request completed", res: { statusCode: 200 }, note: "two words" });
    expect(prettyLogLine(line)).toBe('03:04:05 INFO  request completed reqId=req-1 res={"statusCode":200} note="two words"');
  });

  it("leaves anything else alone", () => {
    expect(prettyLogLine("Borela is listening on http://127.0.0.1:1")).toBe("Borela is listening on http://127.0.0.1:1");
    expect(prettyLogLine('{"msg":"no level"}')).toBe('{"msg":"no level"}');
  });
});

describe("borela serve in a terminal", () => {
  it("prints readable log lines, no raw JSON", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "borela-tty-"));
    try {
      // util-linux `script` gives the core a pseudo-terminal, as `npm start` in a shell has.
      const cmd = `${process.execPath} ${path.join(root, "core/bin/borela.js")} serve --port 0 --host 127.0.0.1`;
      const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
        env: { ...process.env, BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: "bradm_tty_test", BORELA_LOG_LEVEL: "info" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 30s:\n${out}`)), 30_000);
        child.stdout!.on("data", () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      expect(url).toMatch(/^http:/);
      await new Promise((r) => setTimeout(r, 500));
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      expect(out).toMatch(/\d\d:\d\d:\d\d INFO  Server listening at http:\/\/127\.0\.0\.1:\d+/);
      expect(out).not.toContain('{"level":');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
