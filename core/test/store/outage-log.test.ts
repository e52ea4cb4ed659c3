// createOutageLog(...).settle: the shell every store-reading timer (drill scheduling, storage listing, pruning)
// wraps its pass in. An unreachable store is one warn line each way however many passes fail; any other error is
// an error line per pass; settle never rejects.
import { describe, expect, it } from "vitest";
import { createOutageLog } from "../../src/store/outage.ts";

function recordingLog() {
  const lines: { level: "warn" | "error"; msg: string }[] = [];
  return { lines, warn: (_o: object, msg?: string) => void lines.push({ level: "warn", msg: msg ?? "" }), error: (_o: object, msg?: string) => void lines.push({ level: "error", msg: msg ?? "" }) };
}

const unreachable = () => Promise.reject(Object.assign(new Error("Can't reach database server"), { code: "P1001" }));

describe("createOutageLog settle", () => {
  it("logs an outage once each way over many failed passes, and another error once per pass", async () => {
    const log = recordingLog();
    let t = 0;
    const outages = createOutageLog(log, "drill scheduling", () => new Date(t));
    for (let i = 0; i < 5; i++, t += 30_000) await outages.settle(unreachable(), "drill schedule failed");
    await outages.settle(Promise.resolve("done"), "drill schedule failed");
    await outages.settle(Promise.reject(new Error("a bug")), "drill schedule failed");
    await outages.settle(Promise.reject(new TypeError("another")), "drill schedule failed");
    expect(log.lines).toEqual([
      { level: "warn", msg: "drill scheduling paused: the store cannot be reached (cannot reach the database server)" },
      { level: "warn", msg: "drill scheduling resumed: the store answers again after 150 s" },
      { level: "error", msg: "drill schedule failed" },
      { level: "error", msg: "drill schedule failed" },
    ]);
  });

  it("never rejects, whatever the pass throws", async () => {
    const outages = createOutageLog(recordingLog(), "pruning");
    await expect(outages.settle(Promise.reject("a string"), "pruning failed")).resolves.toBeUndefined();
    await expect(outages.settle(unreachable(), "pruning failed")).resolves.toBeUndefined();
  });
});
