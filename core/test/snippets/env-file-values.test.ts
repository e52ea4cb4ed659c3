// The env-file snippet (systemd's EnvironmentFile, `node --env-file`) reads back every value as written. A
// tester's database path holding " #" came back cut there from `node --env-file`, which ends an unquoted
// value at "#"; systemd also takes an unquoted "\" as an escape. Values are now plain, single-quoted or
// double-quoted (render.ts envFileValue). Read back here by the real Node; systemd's rules for the same
// forms (systemd.syntax(7) and EnvironmentFile= in systemd.exec(5): single quotes literal, double quotes
// literal but for \ escapes) are checked on the written text.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envFileValue, renderSnippet } from "../../src/snippets/render.ts";

/** BORELA_DATABASES as `node --env-file` reads it from the env-file snippet for `databases`. */
function nodeReads(databases: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "borela-env-file-"));
  try {
    const file = path.join(dir, "agent.env");
    writeFileSync(file, renderSnippet("env-file", { projectName: "shop", serverUrl: "https://borela.example.com", databases }));
    const res = spawnSync(process.execPath, [`--env-file=${file}`, "-e", "process.stdout.write(JSON.stringify(process.env.BORELA_DATABASES))"], { encoding: "utf8" });
    expect(res.stderr).toBe("");
    return JSON.parse(res.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("env-file snippet values", () => {
  it.each([
    ["/srv/app/production.sqlite3", "/srv/app/production.sqlite3"],
    ["/srv/a #b/app.db", "'/srv/a #b/app.db'"],
    ["/srv/with space/app.db", "'/srv/with space/app.db'"],
    ["/srv/back\\slash/app.db", "'/srv/back\\slash/app.db'"],
    ["/srv/$HOME/app.db", "'/srv/$HOME/app.db'"],
    ['/srv/"quoted"/app.db', `'/srv/"quoted"/app.db'`],
    ["/srv/bob's app/app.db", `"/srv/bob's app/app.db"`],
  ])("%s is written as %s and read back whole by node --env-file", (database, written) => {
    expect(envFileValue("BORELA_DATABASES", database)).toBe(written);
    expect(nodeReads([database])).toBe(database);
  });

  it("two databases, one with a #, come back as the list", () => {
    expect(nodeReads(["/srv/a #1/app.db", "/srv/a #1/queue.db"])).toBe("/srv/a #1/app.db,/srv/a #1/queue.db");
  });

  it("a value no form carries alike is refused, naming it", () => {
    expect(() => envFileValue("BORELA_DATABASES", `/srv/bob's "x"/app.db`)).toThrow(/BORELA_DATABASES holds both a ' and one of/);
    expect(() => renderSnippet("env-file", { projectName: "shop", serverUrl: "https://borela.example.com", databases: ["/srv/it's\\here/app.db"] })).toThrow(/BORELA_DATABASES/);
  });
});
