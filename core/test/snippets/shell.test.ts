// shellQuote: every word comes back from a real bash as exactly one argument, byte for byte.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { shellCommand, shellQuote } from "../../src/snippets/shell.ts";
import { restoreCommands } from "../../src/snippets/restore-commands.ts";

const HOSTILE = [
  "app;touch /tmp/x;#",
  "s3://bucket/x$(touch /tmp/pwned)",
  "a`id`b",
  "it's",
  "'",
  "",
  "line\nbreak",
  "~root",
  "=ls",
  "$HOME ${PATH}",
  "a\\b",
  "!event",
  "*?[a]",
  "-rf",
];

function argsFromBash(line: string): string[] {
  const res = spawnSync("bash", ["--norc", "--noprofile", "-c", `${line}`, "--"], { encoding: "utf8" });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe("shellQuote", () => {
  it("leaves plain words bare", () => {
    expect(shellQuote("/tmp/app-restored.sqlite3")).toBe("/tmp/app-restored.sqlite3");
    expect(shellQuote("file:///backups/app")).toBe("file:///backups/app");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("=ls")).toBe("'=ls'");
    expect(shellQuote("~root")).toBe("'~root'");
  });

  it("every hostile word reaches the command as one argument, verbatim", () => {
    const print = `node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'`;
    expect(argsFromBash(`${print} ${HOSTILE.map(shellQuote).join(" ")}`)).toEqual(HOSTILE);
  });

  it("shellCommand quotes each word", () => {
    expect(shellCommand(["litestream", "restore", "-o", "/tmp/a b", "s3://b/p?endpoint=http://h:1&region=r"])).toBe(
      "litestream restore -o '/tmp/a b' 's3://b/p?endpoint=http://h:1&region=r'",
    );
  });
});

describe("restoreCommands", () => {
  it("keeps today's commands for plain names and quotes anything else", () => {
    expect(restoreCommands("shop", { name: "app" }, "file:///backups/app")).toEqual({
      litestream: "litestream restore -o /tmp/app-restored.sqlite3 file:///backups/app",
      borela: "npx borela restore shop --database app -o /tmp/app-restored.sqlite3",
    });
    expect(restoreCommands("my shop", { name: "app" }, null)).toEqual({ litestream: null, borela: "npx borela restore 'my shop' --database app -o /tmp/app-restored.sqlite3" });
  });
});
