// The data dir lock's decisions and its in-process behaviour (the cross-process cases: test/cli/data-dir-lock.test.ts).
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataDirInUseError, dataDirInUseMessage, lockDataDir, parseHolder, readHolder } from "../../src/server/data-dir-lock.ts";
import { leftovers } from "../../src/server/start-leftovers.ts";

const dir = mkdtempSync(path.join(tmpdir(), "borela-lock-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("data dir lock", () => {
  it("words the refusal in one line, with or without a port or a holder", () => {
    const holder = { pid: 42, command: "borela serve", port: 18715, startedAt: "2026-01-01T00:00:00.000Z" };
    expect(dataDirInUseMessage("/tmp/x", holder)).toBe("the data dir /tmp/x is in use by borela serve (pid 42, port 18715): stop it first or choose another --data-dir");
    expect(dataDirInUseMessage("/tmp/x", { ...holder, command: "borela demo --reset", port: null })).toBe(
      "the data dir /tmp/x is in use by borela demo --reset (pid 42): stop it first or choose another --data-dir",
    );
    expect(dataDirInUseMessage("/tmp/x", null)).toContain("in use by another borela process");
    expect(parseHolder(JSON.stringify(holder))).toEqual(holder);
    expect(parseHolder('{"pid":42')).toBeNull();
    expect(parseHolder('{"pid":0,"command":"x","startedAt":"y"}')).toBeNull();
  });

  it("a second lock is refused until the first is released; release removes only its own serve.json", () => {
    const first = lockDataDir(dir, { command: "borela serve", port: 0 });
    first.setPort(18715);
    expect(readHolder(dir)).toMatchObject({ pid: process.pid, port: 18715 });
    expect(() => lockDataDir(dir, { command: "borela serve", port: 1 })).toThrow(DataDirInUseError);
    expect(readHolder(dir)?.port).toBe(18715);
    first.release();
    first.release();
    expect(readdirSync(dir)).toEqual(["serve.lock"]);
    const again = lockDataDir(dir, { command: "borela demo --reset", port: null });
    again.release();
  });

  it("after a failed start, removes a dir it created whole and only new entries of an old one", () => {
    expect(leftovers("/d", null, ["borela.db"])).toEqual(["/d"]);
    expect(leftovers("/d", ["notes.txt"], ["notes.txt", "borela.db", "secret.key"])).toEqual(["/d/borela.db", "/d/secret.key"]);
    expect(leftovers("/d", ["borela.db"], ["borela.db"])).toEqual([]);
  });
});
