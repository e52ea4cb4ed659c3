// The core's Redis connection against a port where nothing listens: health answers at once with the reason,
// ready() does not wait past the first failed attempt, close() does not hang.
import { describe, expect, it } from "vitest";
import { openRedis } from "../../src/queue/redis.ts";
import { freePort } from "../support/ports.ts";

describe("openRedis without a Redis", () => {
  it("reports the connection error quickly and closes", async () => {
    const port = await freePort();
    const errors: string[] = [];
    const conn = openRedis(`redis://127.0.0.1:${port}`, (m) => errors.push(m));
    try {
      const started = Date.now();
      expect(await conn.ready(5_000)).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(errors.join("\n")).toMatch(/ECONNREFUSED/);
      const health = await conn.ping(500);
      expect(health).toMatchObject({ ok: false });
      expect(health.ok === false && health.error).toMatch(/not connected .*ECONNREFUSED/);
      // After the first failed attempt, no wait at all.
      const again = Date.now();
      expect(await conn.ready(5_000)).toBe(false);
      expect(Date.now() - again).toBeLessThan(50);
    } finally {
      const closing = Date.now();
      await conn.close();
      expect(Date.now() - closing).toBeLessThan(1_000);
    }
  });
});
