// A replica file read in fixed-size pieces, so a reader that checks it as it
// goes holds one piece, not the file (a 0.3 WAL segment can be as large as the
// database: the first sync of a bulk load).
//
//   readChunks(client, file: { key, size: listed bytes }, options?: ClientOptions & { chunkBytes? }): AsyncIterable<Uint8Array>
//     pieces of chunkBytes (default 4 MiB) from byte 0 up to the listed size or the file's end, whichever
//     comes first; read one at a time, when asked for. A piece is valid until the next is asked for (a file
//     replica reads every piece into one buffer). Throws what client.readRange throws (ReplicaReadError).
import type { ClientOptions, ReplicaClient } from "./replica-client.ts";

export const CHUNK_BYTES = 4 * 1024 * 1024;

export async function* readChunks(client: ReplicaClient, file: { key: string; size: number }, options: ClientOptions & { chunkBytes?: number } = {}): AsyncIterable<Uint8Array> {
  const { chunkBytes = CHUNK_BYTES, ...clientOptions } = options;
  const into = new Uint8Array(Math.min(chunkBytes, file.size));
  // Bounded by the listed size; a short read means the file ended sooner.
  for (let start = 0; start < file.size; start += chunkBytes) {
    const want = Math.min(chunkBytes, file.size - start);
    const piece = await client.readRange(file, start, want, { ...clientOptions, into });
    if (piece.length > 0) yield piece;
    if (piece.length < want) return;
  }
}
