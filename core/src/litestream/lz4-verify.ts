// Checking LZ4 frames whole: every block decoded, the header, block and content checksums (XXH32) checked,
// over a frame in memory or a file read in pieces (lz4.ts has the format's parts).
//
//   lz4Verify(frame: Uint8Array): number        returns the content size; throws Lz4Error naming what failed
//   lz4VerifyChunks(chunks: AsyncIterable<Uint8Array>): Promise<number>   the same over a file read
//                                               in pieces; holds one block and a 64 KiB window, never
//                                               the file or its content (a WAL segment may be GBs)
//   verifyFrames(onContent?, once?)   the verifier lz4Verify runs, as a generator pulling its input (ltx.ts
//                                     runs it once per page of superfly/ltx v0.5.0–v0.5.1, Litestream v0.5.0–v0.5.15)
//   pullBytes(generator, bytes) / pullChunks(generator, chunks)   runs such a generator over bytes in memory /
//                                     over pieces of a file
// Format: the LZ4 frame and block specifications (github.com/lz4/lz4/blob/dev/doc).
import { BLOCK_MAX, decodeBlock, Lz4Error, MAGIC, WINDOW } from "./lz4.ts";
import { xxh32, xxh32Stream } from "./xxh32.ts";

/** Bytes a skippable frame is passed over in at a time. */
const SKIP_PIECE = 1024 * 1024;

const u32 = (b: Uint8Array, at = 0) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/**
 * Verifies LZ4 frames as lz4Verify states, pulling its input: it yields how many bytes it wants next and is
 * given them back (fewer only where the input ends), valid until it asks again. Keeps one block's output and
 * the 64 KiB window before it; hands each block's output to `onContent` (valid until it asks again). `once`:
 * stops after the first frame that is not skippable (LTX page frames; Lz4Error when there is none). Returns
 * the content size and the bytes it took. Throws Lz4Error naming the byte where the frames are damaged.
 */
export function* verifyFrames(onContent?: (piece: Uint8Array) => void, once = false): Generator<number, { content: number; length: number }, Uint8Array> {
  let pos = 0;
  let total = 0;
  function* take(n: number): Generator<number, Uint8Array, Uint8Array> {
    const got = n > 0 ? yield n : new Uint8Array(0);
    pos += got.length;
    return got;
  }
  for (;;) {
    const start = pos;
    const magicBytes = yield* take(4);
    if (magicBytes.length === 0) {
      if (once) throw new Lz4Error(`no LZ4 frame at byte ${start}`);
      return { content: total, length: pos };
    }
    if (magicBytes.length < 4) throw new Lz4Error(`truncated frame header at byte ${start}`);
    const magic = u32(magicBytes);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      const sizeBytes = yield* take(4);
      if (sizeBytes.length < 4) return { content: total, length: pos };
      for (let left = u32(sizeBytes); left > 0; ) {
        const got = yield* take(Math.min(left, SKIP_PIECE));
        if (got.length === 0) return { content: total, length: pos };
        left -= got.length;
      }
      continue;
    }
    if (magic !== MAGIC) throw new Lz4Error(`not an LZ4 frame: magic 0x${magic.toString(16)} at byte ${start}`);
    const head = (yield* take(2)).slice(); // kept past the next take, which may reuse the bytes
    if (head.length < 2) throw new Lz4Error(`truncated frame header at byte ${start}`);
    const flg = head[0];
    const maxBlock = BLOCK_MAX[(head[1] >> 4) & 7];
    if (flg >> 6 !== 1 || !maxBlock) throw new Lz4Error(`unsupported frame descriptor at byte ${start + 4}`);
    const optional = (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
    const rest = yield* take(optional + 1);
    if (rest.length < optional + 1) throw new Lz4Error(`truncated frame header at byte ${start}`);
    const descriptor = new Uint8Array(2 + optional);
    descriptor.set(head);
    descriptor.set(rest.subarray(0, optional), 2);
    if (((xxh32(descriptor) >>> 8) & 0xff) !== rest[optional]) throw new Lz4Error(`invalid header checksum at byte ${pos - 1}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const content = flg & 0x04 ? xxh32Stream() : null;
    const out = new Uint8Array(WINDOW + maxBlock);
    let window = 0;
    // Bounded: each pass takes at least 4 bytes of a finite input.
    for (;;) {
      const rawBytes = yield* take(4);
      if (rawBytes.length < 4) throw new Lz4Error(`truncated frame: no end mark`);
      const raw = u32(rawBytes);
      if (raw === 0) break;
      const length = raw & 0x7fffffff;
      const blockAt = pos;
      const stored = length + (blockChecksum ? 4 : 0);
      if (length > maxBlock) throw new Lz4Error(`block of ${length} bytes at byte ${blockAt} runs past the frame`);
      const block = yield* take(stored);
      if (block.length < stored) throw new Lz4Error(`block of ${length} bytes at byte ${blockAt} runs past the frame`);
      if (blockChecksum && xxh32(block.subarray(0, length)) !== u32(block, length)) throw new Lz4Error(`invalid block checksum at byte ${blockAt}`);
      let end: number;
      if (raw & 0x80000000) {
        out.set(block.subarray(0, length), window);
        end = window + length;
      } else {
        try {
          end = decodeBlock(block, 0, length, out, window);
        } catch (err) {
          throw err instanceof Lz4Error ? new Lz4Error(`block at byte ${blockAt}: ${err.message}`) : err;
        }
      }
      content?.update(out.subarray(window, end));
      onContent?.(out.subarray(window, end));
      total += end - window;
      window = Math.min(WINDOW, end);
      out.copyWithin(0, end - window, end);
    }
    if (content) {
      const sum = yield* take(4);
      if (sum.length < 4) throw new Lz4Error(`truncated frame: no content checksum`);
      if (content.digest() !== u32(sum)) throw new Lz4Error(`invalid frame checksum: the content does not match it`);
    }
    if (once) return { content: total, length: pos };
  }
}

export function lz4Verify(frame: Uint8Array): number {
  return pullBytes(verifyFrames(), frame).content;
}

/** `chunks`: each valid until the next is asked for (readChunks reuses one buffer). */
export async function lz4VerifyChunks(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  return (await pullChunks(verifyFrames(), chunks)).content;
}

/** Runs a generator that yields how many bytes it wants (verifyFrames, ltx.ts's verifier) over `bytes` in memory; returns what it returns. */
export function pullBytes<T>(frames: Generator<number, T, Uint8Array>, bytes: Uint8Array): T {
  let at = 0;
  for (let step = frames.next(); ; ) {
    if (step.done) return step.value;
    const got = bytes.subarray(at, at + step.value);
    at += got.length;
    step = frames.next(got);
  }
}

/**
 * The same over `chunks`, each
 * valid until the next is asked for; returns what it returns. Holds one chunk and at most one request's bytes.
 */
export async function pullChunks<T>(frames: Generator<number, T, Uint8Array>, chunks: AsyncIterable<Uint8Array>): Promise<T> {
  const source = chunks[Symbol.asyncIterator]();
  let chunk: Uint8Array = new Uint8Array(0);
  let at = 0;
  let ended = false;
  // Bytes wanted across two chunks are copied here, reused: one block's worth at most (the frame's maximum).
  let scratch = new Uint8Array(0);
  try {
    for (let step = frames.next(); ; ) {
      if (step.done) return step.value;
      const want = step.value;
      let got: Uint8Array;
      if (ended || chunk.length - at >= want) {
        got = chunk.subarray(at, at + want);
        at += got.length;
      } else {
        if (scratch.length < want) scratch = new Uint8Array(want);
        let filled = 0;
        for (;;) {
          const piece = chunk.subarray(at, at + want - filled);
          scratch.set(piece, filled);
          filled += piece.length;
          at += piece.length;
          if (filled === want) break;
          const next = await source.next();
          if (next.done) {
            ended = true;
            break;
          }
          chunk = next.value;
          at = 0;
        }
        got = scratch.subarray(0, filled);
      }
      step = frames.next(got);
    }
  } finally {
    await source.return?.();
  }
}
