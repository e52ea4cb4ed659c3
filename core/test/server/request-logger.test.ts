// Fault: every request made a pino child logger for its request id, with the redaction run over its
// bindings, ~1.5 % of the core's CPU per heartbeat, though a heartbeat almost never logs. The child is
// now made at the request logger's first use, and what it writes is what the child wrote before.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FastifyBaseLogger } from "fastify";
import { createLogger } from "../../src/logger.ts";
import { lazyRequestLogger } from "../../src/server/request-logger.ts";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";

describe("a request's logger", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore();
  });
  afterAll(async () => {
    await core?.close();
  });

  it("makes no pino child for heartbeats that log nothing", async () => {
    const project = await core.createProject("lazy-log");
    const child = vi.spyOn(core.app.log, "child");
    try {
      for (let i = 0; i < 5; i++) {
        const res = await core.api("POST", "/api/v1/heartbeats", { token: project.agentToken, body: heartbeat() });
        expect(res.status).toBeLessThan(300);
      }
      expect(child).not.toHaveBeenCalled();
    } finally {
      child.mockRestore();
    }
  });
});

describe("lazyRequestLogger", () => {
  it("writes what the child would, with the request id and secrets redacted, making the child once", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (d) => (text += d.toString()));
    const parent = createLogger("info", out) as unknown as FastifyBaseLogger;
    const child = vi.spyOn(parent, "child");
    const log = lazyRequestLogger(parent, { reqId: "req-7" }, {});
    expect(child).not.toHaveBeenCalled();
    log.info({ authorization: "Bearer brag_secret" }, "first");
    log.error({ err: new Error("boom") }, "second");
    log.debug("below the level");
    expect(child).toHaveBeenCalledTimes(1);
    expect(log.level).toBe("info");
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.reqId, l.msg])).toEqual([["req-7", "first"], ["req-7", "second"]]);
    expect(lines[0].authorization).toBe("[redacted]");
    expect(text).not.toContain("brag_secret");
    expect(lines[1].err.message).toBe("boom");
  });
});
