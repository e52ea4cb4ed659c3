import { describe, expect, it } from "vitest";
import { parseLogLine } from "../../src/litestream/log-line.ts";

describe("parseLogLine", () => {
  it("reads slog text lines with quoted, escaped values", () => {
    const line = parseLogLine(
      'time=2026-11-25T03:35:50.021Z level=ERROR msg="monitor error" db=/tmp/x.db replica=s3 error="InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\\n\\tstatus code: 403, request id: A1"',
    );
    expect(line).toEqual({
      level: "ERROR",
      msg: "monitor error",
      attrs: {
        time: "2026-11-25T03:35:50.021Z",
        db: "/tmp/x.db",
        replica: "s3",
        error: "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\n\tstatus code: 403, request id: A1",
      },
    });
  });

  it("reads Go's default logger lines (before the config is loaded)", () => {
    expect(parseLogLine('2026/11/25 03:36:01 ERROR failed to run error="no matching backups found"')).toEqual({
      level: "ERROR",
      msg: "failed to run",
      attrs: { error: "no matching backups found" },
    });
    expect(parseLogLine("2026/11/25 03:36:01 INFO restoring snapshot replica=file generation=2e6e index=0")).toMatchObject({
      msg: "restoring snapshot",
      attrs: { replica: "file", generation: "2e6e", index: "0" },
    });
  });

  it("reads JSON lines and plain text", () => {
    expect(parseLogLine('{"time":"t","level":"WARN","msg":"x","db":"/a"}')).toEqual({ level: "WARN", msg: "x", attrs: { time: "t", db: "/a" } });
    expect(parseLogLine("panic: something")).toEqual({ level: "INFO", msg: "panic: something", attrs: {} });
    expect(parseLogLine("   ")).toBeNull();
  });
});

describe("parseLogLine on Litestream 0.5.16", () => {
  it("keeps the record's level when an attribute is also called level (0.5's compaction lines)", () => {
    const line = parseLogLine('time=2026-11-29T14:10:30.000Z level=ERROR msg="compaction failed" system=store db=app.db level=1 error="write ltx file: x"');
    expect(line).toEqual({ level: "ERROR", msg: "compaction failed", attrs: { time: "2026-11-29T14:10:30.000Z", system: "store", db: "app.db", level: "1", error: "write ltx file: x" } });
  });
});
