// What a Litestream 0.3 replica holds, read from storage itself (not from
// Litestream): `<path>/generations/<id>/snapshots/<index>.snapshot.lz4` and
// `<path>/generations/<id>/wal/<index>_<offset>.wal.lz4` (index and offset in hex).
//
//   readReplica(target: ReplicaTarget, options?: ReadOptions): Promise<ReplicaState>
//   listReplicaFiles(target, options?): Promise<ReplicaFile[]>
//   summarizeReplica(files: ReplicaFile[]): ReplicaSummary        pure
//   parseReplicaKey(key: string): Omit<ReplicaFile, "size" | "modifiedAt" | "key"> | null   pure
//
// ReplicaState.position is where the replica ends: the newest WAL segment of the
// newest generation, offset = segment offset + its uncompressed size (read from the
// segment's LZ4 frame) — the same figure Litestream reports as
// litestream_replica_wal_offset. ReplicaState.problems names what makes the replica
// unsafe to restore that the listing shows: overlapping WAL segments in the newest
// index (two processes replicating to one path; see wal-continuity.ts) — found from
// the uncompressed sizes of that index's segments, each read once (sizeCache).
// Throws ReplicaReadError naming the replica (URL without secrets).
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Position } from "../protocol.ts";
import { lz4ContentSize } from "./lz4.ts";
import { overlappingSegments } from "./wal-continuity.ts";
import { replicaUrl, type ReplicaTarget } from "./replica-url.ts";
import { getObject, listObjects, S3RequestError, type S3Store } from "./s3-objects.ts";

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
  /** The generation with the newest file, as Litestream picks it for restore. */
  generation: string | null;
  lastSnapshotAt: Date | null;
  lastWalAt: Date | null;
  storageBytes: number;
  /** Newest WAL segment of the newest generation. */
  newestWal: ReplicaFile | null;
  newestSnapshot: ReplicaFile | null;
}

export interface ReplicaState extends ReplicaSummary {
  position: Position | null;
  /** Problems in words, e.g. "overlapping WAL segments at index 3 of generation …: two processes replicate to this path". */
  problems: string[];
}

export interface ReadOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Read the newest index's WAL segments to state the exact end offset and find overlaps (default true). */
  exactPosition?: boolean;
  /** Uncompressed sizes of segments already read, by `<key>:<stored size>`; pass the same map between reads (it keeps the newest index's only). */
  sizeCache?: Map<string, number>;
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
  const generations = [...byGen.values()].sort((a, b) => a.lastModifiedAt.getTime() - b.lastModifiedAt.getTime() || a.id.localeCompare(b.id));
  const generation = generations.at(-1)?.id ?? null;
  let newestWal: ReplicaFile | null = null;
  let newestSnapshot: ReplicaFile | null = null;
  let lastSnapshotAt: Date | null = null;
  let lastWalAt: Date | null = null;
  for (const f of files) {
    if (f.kind === "snapshot" && (!lastSnapshotAt || f.modifiedAt > lastSnapshotAt)) lastSnapshotAt = f.modifiedAt;
    if (f.kind === "wal" && (!lastWalAt || f.modifiedAt > lastWalAt)) lastWalAt = f.modifiedAt;
    if (f.generation !== generation) continue;
    if (f.kind === "wal") newestWal = later(newestWal, f);
    else newestSnapshot = later(newestSnapshot, f);
  }
  return { generations, generation, lastSnapshotAt, lastWalAt, storageBytes, newestWal, newestSnapshot };
}

function s3Store(target: Extract<ReplicaTarget, { type: "s3" }>): S3Store {
  return {
    bucket: target.bucket,
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials: target.credentials,
  };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function listFileReplica(root: string): Promise<ReplicaFile[]> {
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
        const st = await stat(full).catch(() => null); // removed by retention meanwhile
        if (st) files.push({ ...parsed, size: st.size, modifiedAt: st.mtime, key: full });
      }
    }
  }
  return files;
}

export async function listReplicaFiles(target: ReplicaTarget, options: ReadOptions = {}): Promise<ReplicaFile[]> {
  try {
    if (target.type === "file") {
      const st = await stat(target.path).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? null : Promise.reject(err)));
      if (!st) return [];
      return await listFileReplica(target.path);
    }
    const prefix = `${target.path ? `${target.path}/` : ""}generations/`;
    const objects = await listObjects(s3Store(target), prefix, options);
    const files: ReplicaFile[] = [];
    for (const o of objects) {
      const parsed = parseReplicaKey(o.key.slice(target.path ? target.path.length + 1 : 0));
      if (parsed) files.push({ ...parsed, size: o.size, modifiedAt: o.lastModified, key: o.key });
    }
    return files;
  } catch (err) {
    throw wrap(target, err);
  }
}

function wrap(target: ReplicaTarget, err: unknown): ReplicaReadError {
  if (err instanceof ReplicaReadError) return err;
  const code = err instanceof S3RequestError ? err.code : ((err as NodeJS.ErrnoException).code ?? "Error");
  return new ReplicaReadError(`cannot read replica ${replicaUrl(target)}: ${(err as Error).message}`, code);
}

async function segmentBytes(target: ReplicaTarget, file: ReplicaFile, options: ReadOptions): Promise<Buffer> {
  if (target.type === "file") return readFile(file.key);
  return getObject(s3Store(target), file.key, { ...options, maxBytes: 256 * 1024 * 1024 });
}

export async function readReplica(target: ReplicaTarget, options: ReadOptions = {}): Promise<ReplicaState> {
  const files = await listReplicaFiles(target, options);
  const summary = summarizeReplica(files);
  const newest = summary.newestWal;
  if (!newest || options.exactPosition === false) {
    const base = newest ?? summary.newestSnapshot;
    const position = base ? { generation: base.generation, index: base.index, offset: base.offset } : null;
    return { ...summary, position, problems: [] };
  }
  const segments = files.filter((f) => f.kind === "wal" && f.generation === newest.generation && f.index === newest.index);
  const cache = options.sizeCache ?? new Map<string, number>();
  const keyOf = (f: ReplicaFile) => `${f.key}:${f.size}`;
  const sizes = new Map<string, number>();
  for (const f of segments) {
    let size = cache.get(keyOf(f));
    if (size === undefined) {
      try {
        size = lz4ContentSize(await segmentBytes(target, f, options));
      } catch (err) {
        const code = err instanceof S3RequestError ? err.code : (err as NodeJS.ErrnoException).code;
        if (f !== newest && (code === "ENOENT" || code === "NoSuchKey")) continue; // removed by retention meanwhile
        throw wrap(target, err);
      }
    }
    sizes.set(keyOf(f), size);
  }
  cache.clear(); // only this index's segments are asked for again
  for (const [k, v] of sizes) cache.set(k, v);
  const position = { generation: newest.generation, index: newest.index, offset: newest.offset + sizes.get(keyOf(newest))! };
  return { ...summary, position, problems: overlappingSegments(segments, (f) => sizes.get(keyOf(f))) };
}
