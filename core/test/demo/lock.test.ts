import { describe, expect, it } from "vitest";
import { parseDemoLock, runningDemoMessage } from "../../src/demo/lock.ts";

describe("demo lock", () => {
  it("parses only a well-formed lock", () => {
    expect(parseDemoLock('{"pid":42,"serverUrl":"http://127.0.0.1:8787"}')).toEqual({ pid: 42, serverUrl: "http://127.0.0.1:8787" });
    expect(parseDemoLock('{"pid":42')).toBeNull();
    expect(parseDemoLock('{"pid":"42","serverUrl":"x"}')).toBeNull();
    expect(parseDemoLock('{"pid":-1,"serverUrl":"x"}')).toBeNull();
  });

  it("names the pid and the port in one line", () => {
    const line = runningDemoMessage({ pid: 42, serverUrl: "http://127.0.0.1:8787" });
    expect(line).toBe("the demo is running (pid 42, port 8787): stop it first (Ctrl-C in its terminal, or kill 42)");
    expect(line).not.toContain("\n");
  });
});
