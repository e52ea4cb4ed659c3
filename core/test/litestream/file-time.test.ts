// A replica file's time is its mtime truncated to ms: Node's stat().mtime rounds, and a rounded-up time
// named as --timestamp would let `litestream restore -timestamp` (which compares in ns) take that very file.
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statFileTime } from "../../src/litestream/client/file-time.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let dir: TmpDir;
beforeAll(async () => {
  dir = await tmpDir();
});
afterAll(async () => {
  await dir?.remove();
});

describe("statFileTime", () => {
  it("truncates a nanosecond mtime to the millisecond (never after the file's true time) and gives the size", async () => {
    const file = path.join(dir.path, "0000000000000001-0000000000000001.ltx");
    writeFileSync(file, "x".repeat(17));
    execFileSync("touch", ["-d", "2026-01-01T00:00:00.999999999Z", file]);
    expect(statSync(file).mtime.toISOString()).toBe("2026-01-01T00:00:01.000Z"); // what rounding gave
    expect(await statFileTime(file)).toEqual({ size: 17, mtime: new Date("2026-01-01T00:00:00.999Z") });
  });

  it("is null for a file removed meanwhile", async () => {
    expect(await statFileTime(path.join(dir.path, "gone.ltx"))).toBeNull();
  });
});
