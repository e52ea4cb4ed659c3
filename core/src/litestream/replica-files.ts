// A Litestream 0.3 replica's files as storage holds them, without I/O beyond
// the local file system: `<path>/generations/<id>/snapshots/<index>.snapshot.lz4`
// and `<path>/generations/<id>/wal/<index>_<offset>.wal.lz4` (index and offset in hex).
// Shared by the core and the agent; S3 is read through a replica client or
// replica-reader.ts, never from here.
//
//   parseReplicaKey(key: string): { generation, kind, index, offset } | null          pure
//   summarizeReplica(files: ReplicaFile[]): ReplicaSummary                            pure
//   listDir(dir: string): Promise<string[]>                                            [] when missing
//   listFileReplicaFiles(root: string): Promise<ReplicaFile[]>                         [] when root is missing
//   ReplicaReadError: message naming the replica (URL without secrets), code (S3's or the OS's)
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { statFileTime } from "./client/file-time.ts";

export interface ReplicaFile {
  generation: string;
  kind: "snapshot" | "wal";
  index: number;
  /** WAL segments only; 0 for snapshots. */
  offset: number;
  /** Stored (compressed) bytes. */
  size: number;
  modifiedAt: Date;
  /** Path (file) or object key (s3), for fetching. */
  key: string;
}

export interface GenerationSummary {
  id: string;
  snapshots: number;
  walSegments: number;
  bytes: number;
  lastModifiedAt: Date;
}

export interface ReplicaSummary {
  generations: GenerationSummary[];
  /** The generation with the newest file, as Litestream picks it for restore (ties: the first by name). */
  generation: string | null;
  /** Newest snapshot and WAL segment times of that generation (a restore cannot use another's). */
  lastSnapshotAt: Date | null;
  lastWalAt: Date | null;
  /** All generations. */
  storageBytes: number;
  /** Newest WAL segment of that generation. */
  newestWal: ReplicaFile | null;
  newestSnapshot: ReplicaFile | null;
}


export class ReplicaReadError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const GENERATION = /^[0-9a-f]{16}$/;
const KEY = /(?:^|\/)generations\/([0-9a-f]{16})\/(snapshots|wal)\/([0-9a-f]{8})(?:_([0-9a-f]{8}))?\.(snapshot|wal)\.lz4$/;

export function parseReplicaKey(key: string): Pick<ReplicaFile, "generation" | "kind" | "index" | "offset"> | null {
  const m = key.match(KEY);
  if (!m) return null;
  const kind = m[2] === "snapshots" ? "snapshot" : "wal";
  if ((kind === "snapshot") !== (m[5] === "snapshot") || (kind === "wal" && m[4] === undefined) || (kind === "snapshot" && m[4] !== undefined)) return null;
  return { generation: m[1], kind, index: parseInt(m[3], 16), offset: m[4] ? parseInt(m[4], 16) : 0 };
}

function later(a: ReplicaFile | null, b: ReplicaFile): ReplicaFile {
  if (!a) return b;
  if (b.index !== a.index) return b.index > a.index ? b : a;
  return b.offset > a.offset ? b : a;
}

export function summarizeReplica(files: ReplicaFile[]): ReplicaSummary {
  const byGen = new Map<string, GenerationSummary>();
  let storageBytes = 0;
  for (const f of files) {
    storageBytes += f.size;
    let g = byGen.get(f.generation);
    if (!g) {
      g = { id: f.generation, snapshots: 0, walSegments: 0, bytes: 0, lastModifiedAt: f.modifiedAt };
      byGen.set(f.generation, g);
    }
    if (f.kind === "snapshot") g.snapshots++;
    else g.walSegments++;
    g.bytes += f.size;
    if (f.modifiedAt > g.lastModifiedAt) g.lastModifiedAt = f.modifiedAt;
  }
  // Last = the one a restore picks: newest file, ties to the first by name (restore-plan.ts).
  const generations = [...byGen.values()].sort((a, b) => a.lastModifiedAt.getTime() - b.lastModifiedAt.getTime() || b.id.localeCompare(a.id));
  const generation = generations.at(-1)?.id ?? null;
  let newestWal: ReplicaFile | null = null;
  let newestSnapshot: ReplicaFile | null = null;
  let lastSnapshotAt: Date | null = null;
  let lastWalAt: Date | null = null;
  for (const f of files) {
    if (f.generation !== generation) continue;
    if (f.kind === "snapshot" && (!lastSnapshotAt || f.modifiedAt > lastSnapshotAt)) lastSnapshotAt = f.modifiedAt;
    if (f.kind === "wal" && (!lastWalAt || f.modifiedAt > lastWalAt)) lastWalAt = f.modifiedAt;
    if (f.kind === "wal") newestWal = later(newestWal, f);
    else newestSnapshot = later(newestSnapshot, f);
  }
  return { generations, generation, lastSnapshotAt, lastWalAt, storageBytes, newestWal, newestSnapshot };
}

/** A directory's entry names; [] when it does not exist (yet). */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function listGenerations(root: string): Promise<ReplicaFile[]> {
  const files: ReplicaFile[] = [];
  const generationsDir = path.join(root, "generations");
  for (const gen of await listDir(generationsDir)) {
    if (!GENERATION.test(gen)) continue;
    for (const sub of ["snapshots", "wal"]) {
      const dir = path.join(generationsDir, gen, sub);
      for (const name of await listDir(dir)) {
        const parsed = parseReplicaKey(`generations/${gen}/${sub}/${name}`);
        if (!parsed) continue;
        const full = path.join(dir, name);
        const st = await statFileTime(full);
        if (st) files.push({ ...parsed, size: st.size, modifiedAt: st.mtime, key: full });
      }
    }
  }
  return files;
}

export async function listFileReplicaFiles(root: string): Promise<ReplicaFile[]> {
  const st = await stat(root).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? null : Promise.reject(err)));
  return st ? listGenerations(root) : [];
}
