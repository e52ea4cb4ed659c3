// The restore commands in databases[].restoreCommands are safe to paste into bash whatever the agent
// reported: bash runs them with a stub `litestream` and `npx` on PATH that only record their arguments,
// and the injected part never runs (its marker file is never created).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";

let core: TestCore;
let dir: string;
beforeAll(async () => {
  core = await startTestCore();
  dir = mkdtempSync(path.join(tmpdir(), "borela-sec-paste-"));
  for (const stub of ["litestream", "npx"]) {
    const file = path.join(dir, stub);
    writeFileSync(file, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${dir}/${stub}.args"\n`);
    chmodSync(file, 0o755);
  }
});
afterAll(async () => {
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Pastes the command into bash -c with the stubs first on PATH; returns the arguments the stub saw. */
function paste(command: string, stub: "litestream" | "npx"): string[] {
  const check = spawnSync("bash", ["-n", "-c", command], { encoding: "utf8" });
  expect(check.status, `bash -n: ${check.stderr}`).toBe(0);
  const res = spawnSync("bash", ["-c", command], { encoding: "utf8", env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir } });
  expect(res.status, res.stderr).toBe(0);
  return readFileSync(path.join(dir, `${stub}.args`), "utf8").split("\n").slice(0, -1);
}

async function commandsFor(projectName: string, url: string) {
  const p = await core.createProject(projectName);
  const hb = heartbeat() as any;
  hb.databases[0].replicas[0].url = url;
  const res = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const detail = await core.api("GET", `/api/v1/projects/${p.id}`);
  return { project: p, db: detail.body.databases[0] };
}

describe("restore commands pasted into bash", () => {
  it("a replica URL with $(...) runs only the restore", async () => {
    const marker = path.join(dir, "pwned-url");
    const url = `s3://bucket/x$(touch$IFS${marker})`;
    const { db } = await commandsFor("sec-paste-url", url);
    const args = paste(db.restoreCommands.litestream, "litestream");
    expect(existsSync(marker)).toBe(false);
    expect(args).toEqual(["restore", "-o", "/tmp/app-restored.sqlite3", url]);
  });

  it("a replica URL with ; and | runs only the restore", async () => {
    const marker = path.join(dir, "pwned-semicolon");
    const url = `s3://bucket/x;touch$IFS${marker}|cat`;
    const { db } = await commandsFor("sec-paste-semicolon", url);
    paste(db.restoreCommands.litestream, "litestream");
    expect(existsSync(marker)).toBe(false);
  });

  it("a database name stored before names were checked (app;touch …;#) runs only the restore", async () => {
    const marker = path.join(dir, "pwned-name");
    const { project, db } = await commandsFor("sec-paste-name", "file:///backups/app");
    const hostile = `app;touch ${marker};#`;
    await core.store.database.update({ where: { id: db.id }, data: { name: hostile } });
    const detail = await core.api("GET", `/api/v1/projects/${project.id}`);
    const commands = detail.body.databases[0].restoreCommands;
    expect(paste(commands.borela, "npx")).toEqual(["borela", "restore", "sec-paste-name", "--database", hostile, "-o", `/tmp/${hostile}-restored.sqlite3`, "--server", core.config.publicUrl]);
    expect(paste(commands.litestream, "litestream")).toEqual(["restore", "-o", `/tmp/${hostile}-restored.sqlite3`, "file:///backups/app"]);
    expect(existsSync(marker)).toBe(false);
  });
});
