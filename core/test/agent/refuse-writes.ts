// Makes a replica directory refuse new files for agent tests: `chattr +i` where the file system allows it
// (root too), else chmod 0500 (not as root: root writes through it).
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Makes `dir` refuse new files; returns how, and the undo. Throws when neither way works here. */
export function refuseWrites(dir: string): { how: string; undo: () => void } {
  const probe = () => {
    try {
      writeFileSync(path.join(dir, ".probe"), "x");
      rmSync(path.join(dir, ".probe"));
      return true;
    } catch {
      return false;
    }
  };
  try {
    execFileSync("chattr", ["+i", dir], { stdio: "ignore" });
    if (!probe()) return { how: "chattr +i", undo: () => execFileSync("chattr", ["-i", dir], { stdio: "ignore" }) };
    execFileSync("chattr", ["-i", dir], { stdio: "ignore" });
  } catch {
    // no chattr, or a file system without the immutable flag
  }
  chmodSync(dir, 0o500);
  if (!probe()) return { how: "chmod 0500", undo: () => chmodSync(dir, 0o755) };
  chmodSync(dir, 0o755);
  throw new Error(`cannot make ${dir} refuse writes here (no chattr +i, and root ignores chmod)`);
}
