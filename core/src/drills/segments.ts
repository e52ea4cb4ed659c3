// Reads the WAL segments a restore will apply, checks every LZ4 checksum and
// returns their uncompressed sizes (for the continuity checks). A segment that
// does not decode is damage, named by its file; a read that fails is storage
// trouble (InfrastructureError, retried) — it may also be retention removing the
// segment since the listing.
//
//   readSegments(target, files: ReplicaFile[]): Promise<Map<string /* key */, number /* bytes */>>
import { openReplicaClient } from "../storage/replica-clients.ts";
import { lz4Verify } from "../litestream/lz4.ts";
import type { ReplicaFile } from "../litestream/replica-files.ts";
import { segmentName } from "../litestream/restore-plan.ts";
import { replicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import { InfrastructureError } from "./errors.ts";

export class DamagedSegmentError extends Error {}

export async function readSegments(target: ReplicaTarget, files: ReplicaFile[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const client = openReplicaClient(target);
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await client.read(file, { timeoutMs: 60_000, maxBytes: 256 * 1024 * 1024 });
    } catch (err) {
      throw new InfrastructureError(`cannot read WAL segment ${file.key} of ${replicaUrl(target)}: ${(err as Error).message}`);
    }
    try {
      sizes.set(file.key, lz4Verify(bytes));
    } catch (err) {
      throw new DamagedSegmentError(`WAL segment ${segmentName(file)} of generation ${file.generation} (${file.key}) cannot be read: ${(err as Error).message}`);
    }
  }
  return sizes;
}
