// Two mistakes a sidecar container makes silently, named in the heartbeat as errors:
// - a `file://` replica inside the container's own filesystem (or a tmpfs): the backups vanish
//   with the container while the project looks fresh;
// - an agent that cannot write the database (or its directory, where Litestream writes its -wal,
//   -shm and `<db>-litestream`): the message says which uid it runs as, who owns the file, and the
//   one line to add to the snippet.
//
//   parseMountinfo(text: string): MountEntry[]   pure; format: proc(5) /proc/[pid]/mountinfo — field 5 is the
//     mount point (octal escapes such as \040 for a space), the field after " - " the filesystem type
//   inContainer(mounts: MountEntry[]): boolean   pure: "/" is an overlay (Docker, Podman) or /etc/hostname is bind-mounted
//   replicaPlacementProblem(replicaDir: string, mounts: MountEntry[]): string | null   pure
//   writeAccessProblem(who: Owner, target: { path: string; owner: Owner }): string   pure
//   containerChecks(setting: DatabaseSetting): Promise<string[]>   I/O: /proc/self/mountinfo, stat, access(W_OK)
import { access, readFile, stat } from "node:fs/promises";
import { constants } from "node:fs";
import path from "node:path";
import type { DatabaseSetting } from "./settings.ts";

export interface MountEntry {
  mountPoint: string;
  fsType: string;
}

export interface Owner {
  uid: number;
  gid: number;
}

const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(" ");
    const dash = fields.indexOf("-");
    if (fields.length < 5 || dash < 6 || dash + 1 >= fields.length) continue;
    out.push({ mountPoint: unescape(fields[4]), fsType: fields[dash + 1] });
  }
  return out;
}

export function inContainer(mounts: MountEntry[]): boolean {
  const root = mounts.filter((m) => m.mountPoint === "/").at(-1);
  return (root !== undefined && /^(overlay|aufs|fuse-overlayfs)$/.test(root.fsType)) || mounts.some((m) => m.mountPoint === "/etc/hostname");
}

/** The mount holding a path: the longest mount point that is the path or one of its parents (the last one wins on stacked mounts). */
function mountHolding(p: string, mounts: MountEntry[]): MountEntry | null {
  let best: MountEntry | null = null;
  for (const m of mounts) {
    const dir = m.mountPoint === "/" ? "/" : m.mountPoint.replace(/\/$/, "");
    const holds = dir === "/" || p === dir || p.startsWith(`${dir}/`);
    if (holds && (!best || dir.length >= best.mountPoint.replace(/\/$/, "").length)) best = m;
  }
  return best;
}

/** Null outside a container and for a replica on a real mount; otherwise why the backups would vanish. */
export function replicaPlacementProblem(replicaDir: string, mounts: MountEntry[]): string | null {
  if (!inContainer(mounts)) return null;
  const p = path.posix.normalize(replicaDir);
  const m = mountHolding(p, mounts);
  const fix = `mount a volume there (the snippet \`borela init\` prints does: e.g. borela-replicas:/${p.split("/")[1]})`;
  if (!m || m.mountPoint === "/") return `file replica ${p} is inside the container's own filesystem: it disappears with the container; ${fix}`;
  if (m.fsType === "tmpfs") return `file replica ${p} is on a tmpfs (${m.mountPoint}): it disappears when the container stops; ${fix}`;
  return null;
}

export function writeAccessProblem(who: Owner, target: { path: string; owner: Owner }): string {
  const owner = `${target.owner.uid}:${target.owner.gid}`;
  return (
    `the agent runs as uid ${who.uid} (gid ${who.gid}) and cannot write ${target.path}, owned by ${owner}; ` +
    `add  user: "${owner}"  to the borela service (docker run: --user ${owner}; labels: dev.borela.user=${owner}; borela init: --user ${owner})`
  );
}

async function writable(p: string): Promise<boolean> {
  try {
    await access(p, constants.W_OK);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}

let mountinfo: Promise<MountEntry[]> | null = null;

export async function containerChecks(setting: DatabaseSetting): Promise<string[]> {
  const problems: string[] = [];
  mountinfo ??= readFile("/proc/self/mountinfo", "utf8").then(parseMountinfo, () => []);
  const mounts = await mountinfo;
  for (const replica of setting.replicas) {
    if (replica.type !== "file") continue;
    const problem = replicaPlacementProblem(replica.path, mounts);
    if (problem) problems.push(problem);
  }
  if (typeof process.getuid !== "function" || typeof process.getgid !== "function") return problems;
  const who = { uid: process.getuid(), gid: process.getgid() };
  for (const p of [setting.path, `${setting.path}-wal`, path.dirname(setting.path)]) {
    if (await writable(p)) continue;
    const s = await stat(p).catch(() => null);
    if (s) problems.push(writeAccessProblem(who, { path: p, owner: { uid: s.uid, gid: s.gid } }));
    break;
  }
  return problems;
}
