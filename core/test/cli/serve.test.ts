// `borela serve` as a user runs it: environment names, first-run admin token
// printed once and stored hashed, errors that name the bad value.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import net from "node:net";
import { startCoreProcess, stopProcess } from "../../../e2e/support/core-process.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-serve-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe("borela serve", () => {
  it("honours BORELA_PORT and BORELA_DATA_DIR and prints a generated admin token only on first run", async () => {
    const port = await freePort();
    const first = await startCoreProcess({ BORELA_DATA_DIR: dataDir, BORELA_PORT: String(port), BORELA_ADMIN_TOKEN: "" }, port);
    expect(first.url).toBe(`http://127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 300));
    const token = /Admin token \(shown once, store it now\): (bradm_\S+)/.exec(first.output())?.[1];
    expect(token).toBeDefined();
    const ok = await fetch(`${first.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    await stopProcess(first.child);

    const db = readFileSync(path.join(dataDir, "borela.db"));
    expect(db.includes(Buffer.from(token!))).toBe(false);

    const second = await startCoreProcess({ BORELA_DATA_DIR: dataDir, BORELA_PORT: String(port), BORELA_ADMIN_TOKEN: "" }, port);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.output()).not.toContain("Admin token");
    const again = await fetch(`${second.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    await stopProcess(second.child);
  }, 60_000);

  it("names a bad value and exits 2", () => {
    const res = spawnSync(process.execPath, [path.join(root, "core/bin/borela.js"), "serve"], {
      env: { ...process.env, BORELA_PORT: "eighty", BORELA_DATA_DIR: dataDir },
      encoding: "utf8",
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('BORELA_PORT="eighty"');
    const flag = spawnSync(process.execPath, [path.join(root, "core/bin/borela.js"), "serve", "--colour"], { encoding: "utf8" });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("--colour");
  });

  it("lists commands and refuses an unknown one", () => {
    const help = spawnSync(process.execPath, [path.join(root, "core/bin/borela.js"), "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/serve .*\n.*agent/s);
    const bad = spawnSync(process.execPath, [path.join(root, "core/bin/borela.js"), "sreve"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command "sreve"');
  });
});
