// Issue 20 item 3: a BORELA_SELF_HEARTBEAT_URL that could never be pinged stops `borela serve` at once,
// with an error naming the variable (and never echoing a password it carried).
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");
let dir: TmpDir;
beforeAll(async () => {
  dir = await tmpDir("borela-self-hb-cli-");
});
afterAll(async () => {
  await dir?.remove();
});

function serve(url: string): Promise<{ code: number; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, BORELA_SELF_HEARTBEAT_URL: url };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "serve", "--port", "0", "--data-dir", dir.path], { env, timeout: 30_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stderr });
    });
  });
}

describe("borela serve with a bad BORELA_SELF_HEARTBEAT_URL", () => {
  it("exits 2 naming the variable", async () => {
    const ftp = await serve("ftp://example.com/ping");
    expect(ftp.code).toBe(2);
    expect(ftp.stderr.trim()).toBe("borela serve: BORELA_SELF_HEARTBEAT_URL must be an http:// or https:// URL, not ftp:");
    const creds = await serve("https://ops:hunter2secret@example.com/ping");
    expect(creds.code).toBe(2);
    expect(creds.stderr).toContain("BORELA_SELF_HEARTBEAT_URL must not carry user:password@");
    expect(creds.stderr).not.toContain("hunter2secret");
  }, 60_000);
});
