// Whether the isolated child, run as nobody (process-runner.ts), can reach the programs it runs: Node itself,
// its entry, better-sqlite3 and the Litestream binary. A checkout under root's home (/root is 0700) or any
// directory only its owner may enter put them out of nobody's reach: a drill of an S3 replica ended in
// "spawn … EACCES" and was told as a failed backup (a tester). The modes are "others" bits only: nobody
// owns nothing and is in no group of the files.
//
//   othersMayReach(entries): boolean                                   pure
//   firstOutOfReach(files: { path, exec }[]): Promise<string | null>   the first file nobody cannot reach, or null
import { realpath, stat } from "node:fs/promises";
import path from "node:path";

/** The modes along a path: its ancestor directories (others need x) and the file (others need r, and x to run it). */
export interface Reach {
  dirs: number[];
  file: number;
  exec: boolean;
}

export function othersMayReach(r: Reach): boolean {
  return r.dirs.every((mode) => (mode & 0o001) === 0o001) && (r.file & 0o004) === 0o004 && (!r.exec || (r.file & 0o001) === 0o001);
}

/** The modes along `file` after its links are resolved; null when it cannot be read (missing: the child will say so itself). */
async function reachOf(file: string, exec: boolean): Promise<Reach | null> {
  try {
    const real = await realpath(file);
    const dirs: number[] = [];
    for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
      dirs.push((await stat(dir)).mode);
      if (dir === path.dirname(dir)) break;
    }
    return { dirs, file: (await stat(real)).mode, exec };
  } catch {
    return null;
  }
}

export async function firstOutOfReach(files: { path: string; exec: boolean }[]): Promise<string | null> {
  for (const f of files) {
    const reach = await reachOf(f.path, f.exec);
    if (reach && !othersMayReach(reach)) return f.path;
  }
  return null;
}
