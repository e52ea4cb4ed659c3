import { describe, expect, it } from "vitest";
import { litestreamVersion, LitestreamNotFoundError, resolveLitestreamBin } from "../../src/litestream/binary.ts";

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
