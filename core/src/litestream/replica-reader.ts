// What a Litestream 0.3 replica holds, read from storage itself (not from
// Litestream): `<path>/generations/<id>/snapshots/<index>.snapshot.lz4` and
// `<path>/generations/<id>/wal/<index>_<offset>.wal.lz4` (index and offset in hex).
//
//   readReplica(target: ReplicaTarget, options?: ReadOptions): Promise<ReplicaState>
// (parseReplicaKey, summarizeReplica and the file listing: replica-files.ts)
//
// The summary describes the generation a plain `litestream restore` would use
// (planRestore's choice: the one with the newest file): its newest WAL segment,
// its newest snapshot time. ReplicaState.position is where that generation ends:
// offset = newest segment's offset + its uncompressed size (read from the
// segment's LZ4 frame, read in pieces, its checksums checked) — the figure Litestream reports as
// litestream_replica_wal_offset. ReplicaState.problems names what a restore
// would suffer, in words: a restore that would fail (planRestore's reason, or a
// WAL segment whose LZ4 frame does not decode: its checksums are checked), and
// overlapping WAL segments (two processes replicating to one path; see
// wal-continuity.ts) in ANY index the restore applies — from its snapshot's index
// through the newest segment — not only the newest one. Each segment's size is
// read once (sizeCache, by key and stored size); a read reads at most
// maxSegmentReads uncached segments (newest first), so a long history is checked
// over a few reads rather than all at once.
// Throws ReplicaReadError naming the replica (URL without secrets), with S3's or the OS's code.
// Storage is read through the agent's replica client (client/signed.ts: the small signer for S3),
// which alone knows where the files live; this module only decides what to read.
import type { Position } from "../protocol.ts";
import { lz4VerifyChunks } from "./lz4-verify.ts";
import { readChunks } from "./client/chunks.ts";
import { Lz4Error } from "./lz4.ts";
import { planRestore, segmentName } from "./restore-plan.ts";
import type { ReplicaTarget } from "./replica-url.ts";
import { summarizeReplica, type ReplicaFile, type ReplicaSummary } from "./replica-files.ts";
import type { ClientOptions, ReplicaClient } from "./client/replica-client.ts";
import { openSignedReplicaClient } from "./client/signed.ts";
import { overlappingSegments } from "./wal-continuity.ts";

export type { ReplicaFile } from "./replica-files.ts";

export interface ReplicaState extends ReplicaSummary {
  position: Position | null;
  /** Litestream 0.5: the newest snapshot's (level 9) max TXID; null without one; absent on 0.3. */
  snapshotTxid?: number | null;
  /** Litestream 0.5: the TXID a latest restore reaches over the contiguous LTX chain (ltx-plan.ts); null when no restore would succeed; absent on 0.3. */
  chainTxid?: number | null;
  /** Litestream 0.5: the file a latest restore starts from ("<level>/<name>@<created ISO>"), which names one history's start; null when no restore would succeed; absent on 0.3. */
  chainStart?: string | null;
  /** Problems in words, e.g. "overlapping WAL segments at index 3 of generation …: two processes replicate to this path",
   *  "litestream restore of <url> would fail: generation …, the one a restore uses, has no snapshot …". */
  problems: string[];
}

export interface ReadOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Read the newest index's WAL segments to state the exact end offset and find overlaps (default true). */
  exactPosition?: boolean;
  /**
   * Uncompressed sizes of segments already read, by `<key>:<stored size>`, or the words naming one as damaged; pass
   * the same map between reads (it keeps those a restore applies): a damaged segment is not read again either.
   */
  sizeCache?: Map<string, number | string>;
  /** Uncached segments read per call at most (default 1000); the rest wait for the next call. */
  maxSegmentReads?: number;
}

const clientOptions = (o: ReadOptions): ClientOptions => ({ ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }), ...(o.signal && { signal: o.signal }) });

/**
 * Reads the uncompressed size of each segment not in the cache, newest first, at most `budget` of them, 8 at a time.
 * A segment that does not decode (Lz4Error) has no size and is named in `damaged`, in words.
 */
async function readSizes(client: ReplicaClient, segments: ReplicaFile[], newest: ReplicaFile, options: ReadOptions): Promise<{ sizes: Map<ReplicaFile, number>; damaged: string[] }> {
  const cache = options.sizeCache ?? new Map<string, number | string>();
  const keyOf = (f: ReplicaFile) => `${f.key}:${f.size}`;
  const sizes = new Map<ReplicaFile, number>();
  const toRead: ReplicaFile[] = [];
  const damaged = new Map<ReplicaFile, string>();
  for (const f of segments) {
    const size = cache.get(keyOf(f));
    if (typeof size === "number") sizes.set(f, size);
    else if (typeof size === "string") damaged.set(f, size);
    else toRead.push(f);
  }
  toRead.sort((a, b) => b.index - a.index || b.offset - a.offset);
  const batch = toRead.slice(0, Math.max(1, options.maxSegmentReads ?? 1000));
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const f = batch[next++];
      try {
        // In 4 MiB pieces, checksums checked: the agent beside the app holds one piece per read, not the segment (a bulk load's
        // first sync makes one as large as its changes; read whole, eight at a time, they took the agent's memory).
        sizes.set(f, await lz4VerifyChunks(readChunks(client, f, clientOptions(options))));
      } catch (err) {
        if (err instanceof Lz4Error) {
          damaged.set(f, `litestream restore of ${client.url} would fail: WAL segment ${segmentName(f)} of generation ${f.generation} is damaged (${err.message})`);
          continue;
        }
        const code = (err as { code?: string }).code;
        if (f !== newest && (code === "ENOENT" || code === "NoSuchKey")) continue; // removed by retention meanwhile
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, batch.length) }, worker));
  cache.clear(); // only segments a restore applies are asked for again
  for (const [f, size] of sizes) cache.set(keyOf(f), size);
  for (const [f, words] of damaged) cache.set(keyOf(f), words);
  return { sizes, damaged: [...damaged.values()] };
}

export async function readReplica(target: ReplicaTarget, options: ReadOptions = {}): Promise<ReplicaState> {
  const client = openSignedReplicaClient(target);
  const files = (await client.list(clientOptions(options))).generations;
  const summary = summarizeReplica(files);
  // An empty replica is "no backup yet", not a failed restore.
  const planned = files.length > 0 ? planRestore(files) : null;
  const problems = planned && !planned.ok ? [`litestream restore of ${client.url} would fail: ${planned.reason}`] : [];
  const newest = summary.newestWal;
  if (!newest || options.exactPosition === false) {
    const base = newest ?? summary.newestSnapshot;
    const position = base ? { generation: base.generation, index: base.index, offset: base.offset } : null;
    return { ...summary, position, problems };
  }
  const applied = planned?.ok ? planned.plan.wal : [];
  const segments = applied.includes(newest) ? applied : [...applied, newest];
  const { sizes, damaged } = await readSizes(client, segments, newest, options);
  // A damaged newest segment: the replica is known to reach its start, no further.
  const position = { generation: newest.generation, index: newest.index, offset: newest.offset + (sizes.get(newest) ?? 0) };
  return { ...summary, position, problems: [...problems, ...damaged, ...overlappingSegments(applied, (f) => sizes.get(f))] };
}
