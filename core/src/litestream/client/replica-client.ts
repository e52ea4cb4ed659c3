// One replica, read the way Litestream reads it: a client per storage (file,
// s3) behind one interface, in Litestream's own shape (replica_client.go).
// Each client alone knows where files live; callers ask for files by what they
// are (an LTX file of a level, a 0.3 snapshot or WAL segment) and never build a
// path or an object key themselves.
//
//   replicaClientOpener(s3: S3Transport): OpenReplicaClient   pure; the process picks its S3 transport once:
//     the core in storage/replica-clients.ts (SDK), the agent in client/signed.ts (small signer)
//   open(target: ReplicaTarget): ReplicaClient
//   client.list(options?): Promise<ReplicaListing>   everything both layouts hold, one pass
//   client.read(file, options?): Promise<Uint8Array>  one file's stored bytes
//   client.readStart(file, bytes, options?)            its first bytes (an LTX header)
//   client.readRange(file, start, bytes, options?)     `bytes` bytes from byte `start` (fewer at its end)
//   readChunks(client, file: { key, size }, options?): AsyncIterable<Uint8Array>   (chunks.ts) the file in pieces
// Errors: ReplicaReadError (replica-reader.ts) naming the replica without secrets, with S3's or the OS's code.
import type { ReplicaFile } from "../replica-files.ts";
import type { ReplicaTarget } from "../replica-url.ts";
import { fileReplicaClient } from "./file.ts";
import { s3ReplicaClient } from "./s3.ts";
import type { S3Transport } from "../s3-transport.ts";

/** An LTX file as a listing shows it (Litestream 0.5: ltx.FileInfo). */
export interface LtxFile {
  /** Compaction level: 0 (every sync), 1–8 (compactions), 9 (snapshots). */
  level: number;
  minTXID: number;
  maxTXID: number;
  /** Stored bytes. */
  size: number;
  /** File modification time (file: set by Litestream to the LTX header timestamp) or S3 LastModified (upload time). */
  createdAt: Date;
  /** `%016x-%016x.ltx` */
  name: string;
  /** Path (file) or object key (s3), opaque to callers. */
  key: string;
}

export interface ReplicaListing {
  /** Litestream 0.5 LTX files of every level. */
  ltx: LtxFile[];
  /** Litestream 0.3 snapshots and WAL segments (generations/). */
  generations: ReplicaFile[];
}

export interface ClientOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ReplicaClient {
  readonly type: "file" | "s3";
  /** The replica's URL without secrets. */
  readonly url: string;
  list(options?: ClientOptions): Promise<ReplicaListing>;
  read(file: { key: string }, options?: ClientOptions & { maxBytes?: number }): Promise<Uint8Array>;
  /** The first `bytes` bytes of a file (fewer when it is shorter). */
  readStart(file: { key: string }, bytes: number, options?: ClientOptions): Promise<Uint8Array>;
  /**
   * `bytes` bytes from byte `start` (fewer when the file ends sooner; `start` must lie inside the file on S3).
   * `into` (at least `bytes` long): where a file replica reads them, so a caller reading piece by piece reuses one buffer.
   */
  readRange(file: { key: string }, start: number, bytes: number, options?: ClientOptions & { into?: Uint8Array }): Promise<Uint8Array>;
}

/** Litestream's snapshot level. */
export const SNAPSHOT_LEVEL = 9;

export type OpenReplicaClient = (target: ReplicaTarget) => ReplicaClient;

export function replicaClientOpener(s3: S3Transport): OpenReplicaClient {
  return (target) => (target.type === "file" ? fileReplicaClient(target) : s3ReplicaClient(target, s3));
}
