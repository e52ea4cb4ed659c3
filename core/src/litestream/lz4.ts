// Size of the data inside an LZ4 frame, without producing it. Litestream 0.3
// stores snapshots and WAL segments as LZ4 frames; a WAL segment's position
// end (its offset + its uncompressed size) is what Litestream reports as the
// replica's WAL offset, so the replica reader needs this to state the stored
// position exactly.
//
//   lz4ContentSize(frame: Uint8Array): number   throws Lz4Error on a damaged frame
//   lz4DecodeBlock(block: Uint8Array, maxSize: number, into?): Uint8Array   one raw LZ4 block (LTX page data)
// Checking frames whole (decoding every block, checksums): lz4-verify.ts.
// Format: the LZ4 frame and block specifications (github.com/lz4/lz4/blob/dev/doc).

export class Lz4Error extends Error {}

/** The LZ4 frame's magic number (little-endian). */
export const MAGIC = 0x184d2204;

/**
 * A literal or match length: its 4-bit start `nibble` from the token, and when that is 15 the bytes from `i`
 * added to it until one is not 255 (the LZ4 block format). Returns [the length, the index after its bytes].
 */
function readLength(buf: Uint8Array, i: number, end: number, nibble: number, what: string): [number, number] {
  if (nibble !== 15) return [nibble, i];
  let length = nibble;
  for (let at = i; at < end; at++) {
    length += buf[at];
    if (buf[at] !== 255) return [length, at + 1];
  }
  throw new Lz4Error(`${what} length runs past the block at byte ${end}`);
}

function blockSize(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let size = 0;
  while (i < end) {
    const token = buf[i++];
    let literals: number;
    [literals, i] = readLength(buf, i, end, token >> 4, "literal");
    i += literals;
    size += literals;
    if (i >= end) break; // the last sequence has literals only
    i += 2; // match offset
    let match: number;
    [match, i] = readLength(buf, i, end, token & 15, "match");
    size += match + 4;
  }
  if (i !== end) throw new Lz4Error(`block ends at byte ${i}, expected ${end}`);
  return size;
}

/** Largest block, by the descriptor's block-size code. */
export const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
/** How far back an LZ4 match may reach: the output kept between blocks. */
/** How far back a match may reach. */
export const WINDOW = 64 * 1024;

/**
 * Walks the frames of `frame` (skippable frames skipped), calling `onBlock` for each block's bytes in place.
 * Checks no checksum (verifyFrames does). Throws Lz4Error naming the byte where the frame is cut short.
 */
function walkFrames(frame: Uint8Array, onBlock: (frame: Uint8Array, start: number, end: number, compressed: boolean) => void): void {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let pos = 0;
  while (pos < frame.length) {
    if (pos + 4 > frame.length) throw new Lz4Error(`truncated frame header at byte ${pos}`);
    const magic = view.getUint32(pos, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += 8 + view.getUint32(pos + 4, true);
      continue;
    }
    if (magic !== MAGIC) throw new Lz4Error(`not an LZ4 frame: magic 0x${magic.toString(16)} at byte ${pos}`);
    const flg = frame[pos + 4];
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const descriptorEnd = pos + 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
    if (descriptorEnd + 1 > frame.length) throw new Lz4Error(`truncated frame header at byte ${pos}`);
    pos = descriptorEnd + 1;
    for (;;) {
      if (pos + 4 > frame.length) throw new Lz4Error(`truncated frame: no end mark`);
      const raw = view.getUint32(pos, true);
      pos += 4;
      if (raw === 0) break;
      const length = raw & 0x7fffffff;
      if (pos + length + (blockChecksum ? 4 : 0) > frame.length) throw new Lz4Error(`block of ${length} bytes at byte ${pos} runs past the frame`);
      onBlock(frame, pos, pos + length, (raw & 0x80000000) === 0);
      pos += length + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum && pos + 4 > frame.length) throw new Lz4Error(`truncated frame: no content checksum`);
    pos += contentChecksum ? 4 : 0;
  }
}

export function lz4ContentSize(frame: Uint8Array): number {
  let total = 0;
  walkFrames(frame, (buf, start, end, compressed) => void (total += compressed ? blockSize(buf, start, end) : end - start));
  return total;
}

/**
 * Decodes one compressed block into `out` at `at`; matches may reach into earlier blocks. Returns the new end.
 * Short copies go byte by byte: a subarray or copyWithin call per sequence costs more than the bytes.
 */
export function decodeBlock(buf: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  let i = start;
  let o = at;
  while (i < end) {
    const token = buf[i++];
    let literals: number;
    [literals, i] = readLength(buf, i, end, token >> 4, "literal");
    if (i + literals > end || o + literals > out.length) throw new Lz4Error(`literals run past the block at byte ${i}`);
    if (literals > 32) {
      out.set(buf.subarray(i, i + literals), o);
      i += literals;
      o += literals;
    } else {
      for (let k = 0; k < literals; k++) out[o++] = buf[i++];
    }
    if (i >= end) break;
    if (i + 2 > end) throw new Lz4Error(`match offset runs past the block at byte ${i}`);
    const offset = buf[i] | (buf[i + 1] << 8);
    i += 2;
    let match: number;
    [match, i] = readLength(buf, i, end, token & 15, "match");
    match += 4;
    if (offset === 0 || offset > o) throw new Lz4Error(`match offset ${offset} points before the start of the data at byte ${i - 2}`);
    if (o + match > out.length) throw new Lz4Error(`match runs past the block size at byte ${i}`);
    if (match > 32 && offset >= match) {
      out.copyWithin(o, o - offset, o - offset + match);
      o += match;
    } else {
      for (let k = 0; k < match; k++, o++) out[o] = out[o - offset];
    }
  }
  return o;
}

/** `into`: a buffer to decode into (reused between calls), else a new one of maxSize bytes. */
export function lz4DecodeBlock(block: Uint8Array, maxSize: number, into?: Uint8Array): Uint8Array {
  const out = into && into.length >= maxSize ? into : new Uint8Array(maxSize);
  return out.subarray(0, decodeBlock(block, 0, block.length, out, 0));
}

