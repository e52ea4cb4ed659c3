// The file replica inside the drill's mount namespace is mounted nosymfollow: a symbolic link swapped into
// the replica after the core checked it (a racing agent that writes its own file replica) cannot lead the
// restore to files outside BORELA_FILE_REPLICA_ROOTS. Real unshare and mount, as the core runs them as root.
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NAMESPACE_SCRIPT, SANDBOX_REPLICA, SANDBOX_WORK } from "../../src/drills/isolation/sandbox.ts";
import { sandboxSupport } from "../../src/drills/isolation/process-runner.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let dir: TmpDir;
beforeAll(async () => {
  dir = await tmpDir("borela-nosymfollow-");
});
afterAll(async () => {
  await dir?.remove();
});

/** Runs `sh -c script` as the drill's child would: in the namespace, with the replica bound at SANDBOX_REPLICA. */
function inSandbox(replica: string, scratch: string, mode: "rw" | "ro", script: string) {
  mkdirSync(SANDBOX_WORK, { recursive: true });
  mkdirSync(SANDBOX_REPLICA, { recursive: true });
  return spawnSync("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", NAMESPACE_SCRIPT, "borela-drill", scratch, replica, mode, "--", "/bin/sh", "-c", script], { encoding: "utf8" });
}

describe("the drill's view of a file replica", () => {
  it("reads the replica's own files but follows no symbolic link in it, whether the child drops to nobody or stays root", () => {
    expect(sandboxSupport().namespace, "the suite runs as root with unshare and setpriv, as the core does in its image").toBe(true);
    const replica = path.join(dir.path, "roots", "app");
    const outside = path.join(dir.path, "outside");
    const scratch = path.join(dir.path, "scratch");
    for (const d of [replica, outside, scratch]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(replica, "own.txt"), "own file");
    writeFileSync(path.join(outside, "secret.txt"), "outside the roots");
    symlinkSync(outside, path.join(replica, "generations")); // swapped in after the check
    for (const mode of ["rw", "ro"] as const) {
      const own = inSandbox(replica, scratch, mode, `cat ${SANDBOX_REPLICA}/own.txt`);
      expect(own.stdout, `${mode}: ${own.stderr}`).toBe("own file");
      const linked = inSandbox(replica, scratch, mode, `cat ${SANDBOX_REPLICA}/generations/secret.txt`);
      expect(linked.status, mode).not.toBe(0);
      expect(linked.stdout).toBe("");
      expect(linked.stderr).toMatch(/Too many levels of symbolic links/);
    }
  });
});
