import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { litestreamLine, litestreamVersion, LitestreamNotFoundError, resolveLitestreamBin, resolveLitestreamBinFor } from "../../src/litestream/binary.ts";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("resolveLitestreamBin", () => {
  it("finds the binary shipped by the npm package, and it is 0.3.13", async () => {
    const bin = resolveLitestreamBin(null, "");
    expect(bin).toMatch(/@flydotio\/litestream-[a-z]+-[a-z0-9]+\/litestream$/);
    expect(await litestreamVersion(bin)).toBe("v0.3.13");
  });

  it("honours an override and names it when it is not executable", () => {
    const bin = resolveLitestreamBin(null, "");
    expect(resolveLitestreamBin(bin)).toBe(bin);
    expect(() => resolveLitestreamBin("/nonexistent/litestream")).toThrow(LitestreamNotFoundError);
    expect(() => resolveLitestreamBin("/nonexistent/litestream")).toThrow("LITESTREAM_BIN=/nonexistent/litestream");
  });
});

describe("both Litestream lines", () => {
  it("finds the 0.5 build of scripts/install-litestream05.sh beside npm's 0.3.13", async () => {
    const bin = resolveLitestreamBinFor("0.5", null, "");
    expect(bin).toMatch(/\.tools\/bin\/litestream-0\.5$/);
    expect(await litestreamVersion(bin)).toBe("v0.5.16");
    expect(resolveLitestreamBinFor("0.3", null, "")).toBe(resolveLitestreamBin(null, ""));
  });

  it("LITESTREAM_BIN overrides either line", () => {
    const bin = resolveLitestreamBin(null, "");
    expect(resolveLitestreamBinFor("0.5", bin, "")).toBe(bin);
    expect(() => resolveLitestreamBinFor("0.5", "/nonexistent/litestream", "")).toThrow("LITESTREAM_BIN=/nonexistent/litestream");
  });

  it("reads the line from a version", () => {
    expect(litestreamLine("v0.5.16")).toBe("0.5");
    expect(litestreamLine("v0.3.13")).toBe("0.3");
    expect(litestreamLine("v0.4.0")).toBeNull();
    expect(litestreamLine("development")).toBeNull();
  });

  it("borela version prints Borela's version and one line per binary", async () => {
    const { stdout } = await run(process.execPath, [path.join(root, "core/bin/borela.js"), "version"], { cwd: root, env: { ...process.env, LITESTREAM_BIN: "" }, timeout: 60_000 });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^borela \d+\.\d+\.\d+$/);
    expect(lines).toContain(`litestream 0.3: v0.3.13 (${resolveLitestreamBin(null, "")})`);
    expect(lines).toContain(`litestream 0.5: v0.5.16 (${resolveLitestreamBinFor("0.5", null, "")})`);
  });
});
