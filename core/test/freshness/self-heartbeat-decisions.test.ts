// Issue 20 item 3: what the core's own outbound heartbeat logs, and how it shows its target.
import { describe, expect, it } from "vitest";
import { pingLogDecision, pingTarget } from "../../src/freshness/self-heartbeat.ts";
import { ConfigError, parseHttpUrl } from "../../src/env-parse.ts";
import { loadConfig } from "../../src/config.ts";

describe("pingTarget", () => {
  it("keeps scheme and host, drops the check's path, query and userinfo", () => {
    expect(pingTarget("https://hc-ping.com/5f3c1b2a-aaaa-bbbb-cccc-123456789abc")).toBe("https://hc-ping.com/…");
    expect(pingTarget("https://user:pw@example.com:8443/ping?key=s3cret")).toBe("https://example.com:8443/…");
    expect(pingTarget("http://127.0.0.1:9000")).toBe("http://127.0.0.1:9000");
  });
});

describe("pingLogDecision", () => {
  it("logs the first failure of a streak and the first success after it, nothing else", () => {
    const outcomes = [null, "HTTP 500", "HTTP 500", "ECONNREFUSED", null, null, "HTTP 404", null];
    let failing = false;
    const logged: string[] = [];
    for (const failure of outcomes) {
      logged.push(pingLogDecision(failing, failure));
      failing = failure !== null;
    }
    expect(logged).toEqual(["none", "failed", "none", "none", "recovered", "none", "failed", "recovered"]);
  });
});

describe("BORELA_SELF_HEARTBEAT_URL", () => {
  it("is null when unset and kept as given when http or https", () => {
    expect(loadConfig({}).selfHeartbeatUrl).toBeNull();
    expect(loadConfig({ BORELA_SELF_HEARTBEAT_URL: "https://hc-ping.com/abc" }).selfHeartbeatUrl).toBe("https://hc-ping.com/abc");
    expect(parseHttpUrl("http://127.0.0.1:9/x", "X")).toBe("http://127.0.0.1:9/x");
  });

  it("refuses anything else with an error naming the variable", () => {
    for (const bad of ["hc-ping.com/abc", "ftp://example.com/x", "file:///etc/passwd", "mailto:ops@example.com", "https://user:secret@example.com/ping"]) {
      expect(() => loadConfig({ BORELA_SELF_HEARTBEAT_URL: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ BORELA_SELF_HEARTBEAT_URL: bad }), bad).toThrow(/^BORELA_SELF_HEARTBEAT_URL /);
    }
  });
});
