// The demo replicates with Litestream 0.5 when its binary is built, and says so when it falls back to 0.3.
import { describe, expect, it } from "vitest";
import { demoLitestream } from "../../src/demo/demo-litestream.ts";
import { demoRestoreCommand } from "../../src/demo/demo.ts";
import { resolveLitestreamBinFor } from "../../src/litestream/binary.ts";

const found = () => "/opt/tools/litestream-0.5";
const missing = () => {
  throw new Error("litestream 0.5 not found: run scripts/install-litestream05.sh");
};

describe("demoLitestream", () => {
  it("0.5 with its binary by default; the printed restore names that binary", () => {
    expect(demoLitestream({}, found)).toEqual({ line: "0.5", bin: "/opt/tools/litestream-0.5", note: null });
    expect(demoRestoreCommand("http://127.0.0.1:1", "/d/replica", "/opt/tools/litestream-0.5")).toMatch(/\(or: \/opt\/tools\/litestream-0\.5 restore -o \/tmp\/app-restored\.sqlite3 file:\/\/\/d\/replica\/app\)$/);
  });
  it("0.5 not built: 0.3 from npm, with a note naming how to get 0.5", () => {
    const r = demoLitestream({}, missing);
    expect(r.line).toBe("0.3");
    expect(r.bin).toBeNull();
    expect(r.note).toMatch(/Litestream 0\.3 from npm \(litestream 0\.5 not found: run scripts\/install-litestream05\.sh\)/);
  });
  it("BORELA_LITESTREAM_VERSION=0.3 pins 0.3; LITESTREAM_BIN is the binary either way", () => {
    expect(demoLitestream({ BORELA_LITESTREAM_VERSION: "0.3" }, found)).toEqual({ line: "0.3", bin: null, note: null });
    expect(demoLitestream({ LITESTREAM_BIN: "/usr/bin/ls5" }, missing)).toEqual({ line: "0.5", bin: "/usr/bin/ls5", note: null });
  });
  it("on this machine the 0.5 build is found (scripts/install-litestream05.sh)", () => {
    expect(demoLitestream({}, () => resolveLitestreamBinFor("0.5")).line).toBe("0.5");
  });
});
