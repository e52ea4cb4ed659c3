// Reads the WAL segments a restore will apply, checks every LZ4 checksum and
// returns their uncompressed sizes (for the continuity checks). Each segment is
// read in 4 MiB pieces and checked as it arrives (lz4VerifyChunks): the core
// holds a few MiB whatever the segment's size, never the segment. A segment that
// does not decode is damage, named by its file; a read that fails is storage
// trouble (InfrastructureError, retried) — it may also be retention removing the
// segment since the listing.
//
//   readSegments(target, files: ReplicaFile[]): Promise<Map<string /* key */, number /* bytes */>>
import { openReplicaClient } from "../storage/replica-clients.ts";
import { Lz4Error } from "../litestream/lz4.ts";
import { lz4VerifyChunks } from "../litestream/lz4-verify.ts";
import { readChunks } from "../litestream/client/chunks.ts";
import type { ReplicaFile } from "../litestream/replica-files.ts";
import { segmentName } from "../litestream/restore-plan.ts";
import { replicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import { InfrastructureError } from "./errors.ts";

export class DamagedSegmentError extends Error {}

export async function readSegments(target: ReplicaTarget, files: ReplicaFile[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const client = openReplicaClient(target);
  for (const file of files) {
    try {
      sizes.set(file.key, await lz4VerifyChunks(readChunks(client, file, { timeoutMs: 60_000 })));
    } catch (err) {
      if (err instanceof Lz4Error) {
        throw new DamagedSegmentError(`WAL segment ${segmentName(file)} of generation ${file.generation} (${file.key}) cannot be read: ${err.message}`);
      }
      throw new InfrastructureError(`cannot read WAL segment ${file.key} of ${replicaUrl(target)}: ${(err as Error).message}`);
    }
  }
  return sizes;
}
