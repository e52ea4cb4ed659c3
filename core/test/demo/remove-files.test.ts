// borela demo --reset's deletion: a racing writer (ENOTEMPTY) is retried, then named in one line; never a stack trace.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, rmSync, type RmOptions } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DemoFilesError, removeDemoFiles } from "../../src/demo/remove-files.ts";

const enotempty = (p: string) => Object.assign(new Error(`ENOTEMPTY: directory not empty, rmdir '${p}'`), { code: "ENOTEMPTY", path: p });

describe("removeDemoFiles", () => {
  it("asks Node to retry a racing writer, then names the path it could not delete in one line", () => {
    const ltx = "/tmp/x/demo/replica/borela/ltx";
    let options: RmOptions | undefined;
    let caught: unknown;
    try {
      removeDemoFiles("/tmp/x/demo", (_p, o) => {
        options = o;
        throw enotempty(ltx);
      });
    } catch (err) {
      caught = err;
    }
    expect(options).toMatchObject({ recursive: true, force: true });
    expect(options!.maxRetries).toBeGreaterThan(0);
    expect(caught).toBeInstanceOf(DemoFilesError);
    const message = (caught as Error).message;
    expect(message).toBe(`could not delete ${ltx} (ENOTEMPTY): something is still writing there; stop it and run borela demo --reset again`);
    expect(message).not.toContain("\n");
  });

  it("deletes a real tree, and a missing dir is fine", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "borela-demo-rm-"));
    mkdirSync(path.join(dir, "demo/replica/borela/ltx"), { recursive: true });
    writeFileSync(path.join(dir, "demo/replica/borela/ltx/0001.ltx"), "x");
    removeDemoFiles(path.join(dir, "demo"));
    expect(existsSync(path.join(dir, "demo"))).toBe(false);
    removeDemoFiles(path.join(dir, "demo"));
    rmSync(dir, { recursive: true, force: true });
  });
});
