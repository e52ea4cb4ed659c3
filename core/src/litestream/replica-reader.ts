// What a Litestream 0.3 replica holds, read from storage itself (not from
// Litestream): `<path>/generations/<id>/snapshots/<index>.snapshot.lz4` and
// `<path>/generations/<id>/wal/<index>_<offset>.wal.lz4` (index and offset in hex).
//
//   readReplica(target: ReplicaTarget, options?: ReadOptions): Promise<ReplicaState>
//   listReplicaFiles(target, options?): Promise<ReplicaFile[]>
//   summarizeReplica(files: ReplicaFile[]): ReplicaSummary        pure
//   parseReplicaKey(key: string): Omit<ReplicaFile, "size" | "modifiedAt" | "key"> | null   pure
//
// The summary describes the generation a plain `litestream restore` would use
// (planRestore's choice: the one with the newest file): its newest WAL segment,
// its newest snapshot time. ReplicaState.position is where that generation ends:
// offset = newest segment's offset + its uncompressed size (read from the
// segment's LZ4 frame) — the figure Litestream reports as
// litestream_replica_wal_offset. ReplicaState.problems names what a restore
// would suffer, in words: a restore that would fail (planRestore's reason), and
// overlapping WAL segments (two processes replicating to one path; see
// wal-continuity.ts) in ANY index the restore applies — from its snapshot's index
// through the newest segment — not only the newest one. Each segment's size is
// read once (sizeCache, by key and stored size); a read reads at most
// maxSegmentReads uncached segments (newest first), so a long history is checked
// over a few reads rather than all at once.
// Throws ReplicaReadError naming the replica (URL without secrets).
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Position } from "../protocol.ts";
import { lz4ContentSize } from "./lz4.ts";
import { planRestore } from "./restore-plan.ts";
import { overlappingSegments } from "./wal-continuity.ts";
import { replicaUrl, type ReplicaTarget } from "./replica-url.ts";
import { statFileTime } from "./client/file-time.ts";
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

export interface ReplicaState extends ReplicaSummary {
  position: Position | null;
  /** Litestream 0.5: the newest snapshot's (level 9) max TXID; null without one; absent on 0.3. */
  snapshotTxid?: number | null;
  /** Litestream 0.5: the TXID a latest restore reaches over the contiguous LTX chain (ltx-plan.ts); null when no restore would succeed; absent on 0.3. */
  chainTxid?: number | null;
  /** Problems in words, e.g. "overlapping WAL segments at index 3 of generation …: two processes replicate to this path",
   *  "litestream restore of <url> would fail: generation …, the one a restore uses, has no snapshot …". */
  problems: string[];
}

export interface ReadOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Read the newest index's WAL segments to state the exact end offset and find overlaps (default true). */
  exactPosition?: boolean;
  /** Uncompressed sizes of segments already read, by `<key>:<stored size>`; pass the same map between reads (it keeps those a restore applies). */
  sizeCache?: Map<string, number>;
  /** Uncached segments read per call at most (default 1000); the rest wait for the next call. */
  maxSegmentReads?: number;
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

function s3Store(target: Extract<ReplicaTarget, { type: "s3" }>): S3Store {
  return {
    bucket: target.bucket,
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials: target.credentials,
  };
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
        const st = await statFileTime(full);
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

/** Reads the uncompressed size of each segment not in the cache, newest first, at most `budget` of them, 8 at a time. */
async function readSizes(target: ReplicaTarget, segments: ReplicaFile[], newest: ReplicaFile, options: ReadOptions): Promise<Map<ReplicaFile, number>> {
  const cache = options.sizeCache ?? new Map<string, number>();
  const keyOf = (f: ReplicaFile) => `${f.key}:${f.size}`;
  const sizes = new Map<ReplicaFile, number>();
  const toRead: ReplicaFile[] = [];
  for (const f of segments) {
    const size = cache.get(keyOf(f));
    if (size !== undefined) sizes.set(f, size);
    else toRead.push(f);
  }
  toRead.sort((a, b) => b.index - a.index || b.offset - a.offset);
  const batch = toRead.slice(0, Math.max(1, options.maxSegmentReads ?? 1000));
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const f = batch[next++];
      try {
        sizes.set(f, lz4ContentSize(await segmentBytes(target, f, options)));
      } catch (err) {
        const code = err instanceof S3RequestError ? err.code : (err as NodeJS.ErrnoException).code;
        if (f !== newest && (code === "ENOENT" || code === "NoSuchKey")) continue; // removed by retention meanwhile
        throw wrap(target, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, batch.length) }, worker));
  cache.clear(); // only segments a restore applies are asked for again
  for (const [f, size] of sizes) cache.set(keyOf(f), size);
  return sizes;
}

export async function readReplica(target: ReplicaTarget, options: ReadOptions = {}): Promise<ReplicaState> {
  const files = await listReplicaFiles(target, options);
  const summary = summarizeReplica(files);
  // An empty replica is "no backup yet", not a failed restore.
  const planned = files.length > 0 ? planRestore(files) : null;
  const problems = planned && !planned.ok ? [`litestream restore of ${replicaUrl(target)} would fail: ${planned.reason}`] : [];
  const newest = summary.newestWal;
  if (!newest || options.exactPosition === false) {
    const base = newest ?? summary.newestSnapshot;
    const position = base ? { generation: base.generation, index: base.index, offset: base.offset } : null;
    return { ...summary, position, problems };
  }
  const applied = planned?.ok ? planned.plan.wal : [];
  const segments = applied.includes(newest) ? applied : [...applied, newest];
  const sizes = await readSizes(target, segments, newest, options);
  const position = { generation: newest.generation, index: newest.index, offset: newest.offset + sizes.get(newest)! };
  return { ...summary, position, problems: [...problems, ...overlappingSegments(applied, (f) => sizes.get(f))] };
}
