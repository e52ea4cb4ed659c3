// The core's data dir is 0700, borela.db (with its -wal and -shm) and secret.key 0600, from the very
// first start and whatever the umask: a child process with umask 000 opens a fresh store and key.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

function openWithUmask(dataDir: string): Record<string, number> {
  const script = `
    const { openStore } = await import(${JSON.stringify(path.join(root, "core/src/store/db.ts"))});
    const { loadSecretKey } = await import(${JSON.stringify(path.join(root, "core/src/store/secrets.ts"))});
    const { statSync } = await import("node:fs");
    const dir = ${JSON.stringify(dataDir)};
    const store = await openStore(dir);
    loadSecretKey(dir, null);
    await store.project.count();
    const modes = {};
    for (const f of ["", "borela.db", "borela.db-wal", "borela.db-shm", "secret.key"]) modes[f || "."] = statSync(dir + "/" + f).mode & 0o777;
    await store.$disconnect();
    console.log(JSON.stringify(modes));`;
  const res = spawnSync("sh", ["-c", `umask 000 && exec "${process.execPath}" --import tsx --input-type=module -e "$0"`, script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout.trim().split("\n").pop()!);
}

describe("file modes of the core's data", () => {
  it("first start under umask 000: dir 0700, database, WAL, shared memory and key 0600", () => {
    const parent = mkdtempSync(path.join(tmpdir(), "borela-sec-modes-"));
    try {
      const modes = openWithUmask(path.join(parent, "data"));
      expect(modes).toEqual({ ".": 0o700, "borela.db": 0o600, "borela.db-wal": 0o600, "borela.db-shm": 0o600, "secret.key": 0o600 });
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("an existing data dir left readable by others is closed on start", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "borela-sec-modes-"));
    try {
      chmodSync(dir, 0o755);
      writeFileSync(path.join(dir, "secret.key"), "k".repeat(44) + "\n", { mode: 0o644 });
      chmodSync(path.join(dir, "secret.key"), 0o644);
      const modes = openWithUmask(dir);
      expect(modes["."]).toBe(0o700);
      expect(modes["secret.key"]).toBe(0o600);
      expect(statSync(path.join(dir, "borela.db")).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
