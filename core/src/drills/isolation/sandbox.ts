// Pure decisions of process isolation: the limits of one isolated run and
// the command line that confines it. No I/O here; process-runner.ts runs it.
import path from "node:path";
import type { IsolatedJob } from "./job.ts";

/** Where the sandboxed child sees its temp dir and a file replica, inside its own mount namespace. */
export const SANDBOX_WORK = "/run/borela-drill/work";
export const SANDBOX_REPLICA = "/run/borela-drill/replica";
/** The unprivileged user a root core drops the child to. */
export const NOBODY = { uid: 65534, gid: 65534 };

export interface IsolationLimits {
  /**
   * Memory of the child and each of its processes, bytes: RLIMIT_DATA (private writable memory: heaps,
   * SQLite's allocations; not RLIMIT_AS, which Node's WebAssembly reservations of ~10 GiB of address
   * space each would exhaust); docker: the container's memory limit. The child runs `--jitless`:
   * RLIMIT_DATA also counts V8's JIT code-range reservations, touched or not, and Node 24 needs 600 MiB
   * of them to start and ~500 MiB more per worker thread (measured on 24.21 with prlimit); without a
   * JIT it starts in under 200 MiB with three workers. The child's own JavaScript is light (SQLite and
   * Litestream do the work): 200,000 inserts took 0.36 s instead of 0.29 s.
   */
  memoryBytes: number;
  /** V8 heap of the child (--max-old-space-size), MiB. */
  heapMb: number;
  /** The whole isolated run is killed after this long, ms. */
  wallClockMs: number;
  /** Docker only: CPUs the container may use. */
  cpus: number;
}

export const DEFAULT_MEMORY_BYTES = 4 * 1024 ** 3;
export const DEFAULT_HEAP_MB = 512;

/** The backstop after the job's own limits: restore + checks + every assertion + a minute for start-up and reporting. */
export function wallClockMs(job: Pick<IsolatedJob, "restoreTimeoutMs" | "checkTimeoutMs" | "assertionTimeoutMs" | "assertions">): number {
  return job.restoreTimeoutMs + job.checkTimeoutMs + job.assertions.length * (job.assertionTimeoutMs ?? 60_000) + 60_000;
}

export function defaultLimits(job: IsolatedJob, overrides: Partial<IsolationLimits> = {}): IsolationLimits {
  return { memoryBytes: DEFAULT_MEMORY_BYTES, heapMb: DEFAULT_HEAP_MB, wallClockMs: wallClockMs(job), cpus: 2, ...overrides };
}

/** The directories to cover with an empty tmpfs: each of `dirs` unless it lies inside another one. */
export function hiddenDirs(dirs: string[]): string[] {
  const unique = [...new Set(dirs.map((d) => path.resolve(d)))];
  return unique.filter((d) => !unique.some((o) => o !== d && (d + path.sep).startsWith(o + path.sep)));
}

/** Environment of the child: nothing of the core's (no BORELA_*, no AWS_*, no NODE_OPTIONS). */
export function childEnv(workDir: string): Record<string, string> {
  return { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: workDir, TMPDIR: workDir, LANG: "C.UTF-8" };
}

export interface SandboxPlan {
  command: string;
  args: string[];
  /** The temp dir as the child sees it. */
  workDir: string;
  /** The file replica's directory as the child sees it (null for S3). */
  replicaDir: string | null;
}

// Runs as root inside a fresh mount namespace: binds the temp dir and the file
// replica (read-only) where the child will see them, covers the core's
// directories with an empty tmpfs, then execs the rest (setpriv … node …).
export const NAMESPACE_SCRIPT = [
  "set -e",
  'ro="$3"',
  `mount --bind "$1" ${SANDBOX_WORK}`,
  // nosymfollow: a symbolic link inside the replica is never followed, so a link swapped in after the core
  // checked the replica (against BORELA_FILE_REPLICA_ROOTS and for links) cannot lead the restore outside it.
  `if [ -n "$2" ]; then mount --bind "$2" ${SANDBOX_REPLICA}; mount -o remount,bind,ro,nosymfollow ${SANDBOX_REPLICA}; fi`,
  "shift 3",
  'while [ "$1" != "--" ]; do mount -t tmpfs -o ro,size=4k,mode=000 borela-hidden "$1"; shift; done',
  "shift",
  // Staying root (a replica only root can read): every other mount read-only, so owning files is not writing them.
  `if [ "$ro" = ro ]; then awk '{print $5}' /proc/self/mountinfo | while read -r m; do [ "$m" = ${SANDBOX_WORK} ] || [ "$m" = ${SANDBOX_REPLICA} ] || mount -o remount,bind,ro "$m" 2>/dev/null || true; done; fi`,
  `cd ${SANDBOX_WORK}`,
  "unset OLDPWD PWD",
  'exec "$@"',
].join("\n");

/**
 * The command that runs `node entry` confined.
 * With `namespace` (the core runs as root and may unshare): a private mount
 * namespace that hides `hide`, then uid/gid nobody with no capabilities and
 * no new privileges (with `keepRoot`: uid 0 without any capability, every
 * mount but its temp dir read-only). Always: RLIMIT_DATA through prlimit when available, no JIT
 * (see IsolationLimits.memoryBytes), the V8 heap limit.
 */
export function sandboxCommand(options: {
  node: string;
  entry: string;
  scratch: string;
  replicaDir: string | null;
  hide: string[];
  limits: IsolationLimits;
  namespace: boolean;
  prlimit: boolean;
  /** With a namespace: stay root (no capabilities, every mount read-only) because only root can read the file replica. */
  keepRoot?: boolean;
}): SandboxPlan {
  const node = [options.node, "--jitless", `--max-old-space-size=${options.limits.heapMb}`, options.entry];
  const limited = options.prlimit ? ["prlimit", `--data=${options.limits.memoryBytes}`, "--", ...node] : node;
  if (!options.namespace) return { command: limited[0], args: limited.slice(1), workDir: options.scratch, replicaDir: options.replicaDir };
  const user = options.keepRoot ? [] : [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--clear-groups"];
  const drop = ["setpriv", ...user, "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--"];
  return {
    command: "unshare",
    args: [
      "--mount",
      "--propagation",
      "private",
      "--",
      "/bin/sh",
      "-c",
      NAMESPACE_SCRIPT,
      "borela-drill",
      options.scratch,
      options.replicaDir ?? "",
      options.keepRoot ? "ro" : "rw",
      ...hiddenDirs(options.hide),
      "--",
      ...drop,
      ...limited,
    ],
    workDir: SANDBOX_WORK,
    replicaDir: options.replicaDir ? SANDBOX_REPLICA : null,
  };
}

/** Whether the unprivileged child may read a file replica, from the modes along it (others: r on files, r+x on dirs). */
export function othersMayRead(entries: { dir: boolean; mode: number }[]): boolean {
  return entries.every((e) => (e.dir ? (e.mode & 0o005) === 0o005 : (e.mode & 0o004) === 0o004));
}
