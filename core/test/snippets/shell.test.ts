// shellQuote: every word comes back from a real bash as exactly one argument, byte for byte.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { shellCommand, shellQuote } from "../../src/snippets/shell.ts";
import { restoreCommands, restoreUrl, type RestoreStorage } from "../../src/snippets/restore-commands.ts";
import { demoRestoreCommand } from "../../src/demo/demo.ts";

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

  it("points the CLI at the core's URL (without --server it tries port 8787)", () => {
    expect(restoreCommands("shop", { name: "app" }, null, undefined, "http://127.0.0.1:18914").borela).toBe(
      "npx borela restore shop --database app -o /tmp/app-restored.sqlite3 --server http://127.0.0.1:18914",
    );
    expect(restoreCommands("shop", { name: "app" }, null, undefined, "https://b.example/x y'z").borela).toBe(
      "npx borela restore shop --database app -o /tmp/app-restored.sqlite3 --server 'https://b.example/x y'\\''z'",
    );
  });

  it("the demo's startup line names the core and the Litestream binary Borela installs", () => {
    expect(demoRestoreCommand("http://127.0.0.1:18914", "/data/demo replica")).toBe(
      "npx borela restore demo --database app -o /tmp/app-restored.sqlite3 --server http://127.0.0.1:18914" +
        "   (or: npx --package @flydotio/litestream litestream restore -o /tmp/app-restored.sqlite3 'file:///data/demo replica/app')",
    );
  });
});

describe("restoreUrl: the endpoint comes from the core, never from the reported URL", () => {
  const ATTACK = "s3://prod-backups/app?endpoint=http://127.0.0.1:19100&region=us-east-1";
  const managed: RestoreStorage["managed"] = { bucket: "ops", prefix: "p1", endpoint: "https://s3.ops.example", region: "eu-central-1", forcePathStyle: true };
  const stored: RestoreStorage["stored"] = { bucket: "prod-backups", endpoint: "https://s3.admin.example", region: "eu-west-3" };

  it("no stored credentials: the bucket and path only, endpoint unknown", () => {
    expect(restoreUrl(ATTACK, { managed, stored: null })).toEqual({ url: "s3://prod-backups/app", endpointKnown: false });
    expect(restoreUrl("s3://prod-backups.localhost:19100/app", { managed: null, stored: null })).toEqual({ url: "s3://prod-backups/app", endpointKnown: false });
    expect(restoreUrl("s3://AKIA:secret@prod-backups/app", { managed: null, stored: null })).toEqual({ url: "s3://prod-backups/app", endpointKnown: false });
  });
  it("stored credentials for the bucket: their endpoint and region", () => {
    expect(restoreUrl(ATTACK, { managed, stored })).toEqual({
      url: "s3://prod-backups/app?endpoint=https%3A%2F%2Fs3.admin.example&region=eu-west-3&forcePathStyle=true",
      endpointKnown: true,
    });
    expect(restoreUrl(ATTACK, { managed: null, stored: { ...stored, endpoint: null } })).toEqual({ url: "s3://prod-backups/app?region=eu-west-3", endpointKnown: true });
    expect(restoreUrl("s3://other/app?endpoint=http://127.0.0.1:19100", { managed: null, stored })?.endpointKnown).toBe(false);
  });
  it("the project's own managed prefix: the operator's endpoint; a prefix that only starts alike gets none", () => {
    expect(restoreUrl("s3://ops/p1/app?endpoint=http://127.0.0.1:19100", { managed, stored: null })).toEqual({
      url: "s3://ops/p1/app?endpoint=https%3A%2F%2Fs3.ops.example&region=eu-central-1&forcePathStyle=true",
      endpointKnown: true,
    });
    expect(restoreUrl("s3://ops/p10/app", { managed, stored: null })).toEqual({ url: "s3://ops/p10/app", endpointKnown: false });
  });
  it("file replicas as reported without query; unreadable URLs give no command", () => {
    expect(restoreUrl("file:///backups/app", { managed: null, stored: null })).toEqual({ url: "file:///backups/app", endpointKnown: true });
    expect(restoreUrl("not a url", { managed: null, stored: null })).toBeNull();
    expect(restoreCommands("shop", { name: "app" }, "not a url").litestream).toBeNull();
  });
  it("a command without a known endpoint ends with a shell comment saying so", () => {
    const { litestream } = restoreCommands("shop", { name: "app" }, ATTACK);
    expect(litestream).toMatch(/^litestream restore -o \/tmp\/app-restored.sqlite3 s3:\/\/prod-backups\/app  # endpoint unknown: /);
    expect(argsFromBash(`node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' ${litestream!.slice("litestream ".length)}`)).toEqual([
      "restore", "-o", "/tmp/app-restored.sqlite3", "s3://prod-backups/app",
    ]);
  });
});
