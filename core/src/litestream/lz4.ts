// Size of the data inside an LZ4 frame, without producing it. Litestream 0.3
// stores snapshots and WAL segments as LZ4 frames; a WAL segment's position
// end (its offset + its uncompressed size) is what Litestream reports as the
// replica's WAL offset, so the replica reader needs this to state the stored
// position exactly.
//
//   lz4ContentSize(frame: Uint8Array): number   throws Lz4Error on a damaged frame
//   lz4Verify(frame: Uint8Array): number        decodes every block and checks the header,
//                                               block and content checksums (XXH32); returns the
//                                               content size; throws Lz4Error naming what failed
//   lz4DecodeBlock(block: Uint8Array, maxSize: number, into?): Uint8Array   one raw LZ4 block (LTX page data)
//   lz4ReadFrame(bytes: Uint8Array, at: number): { data, end }   the one frame starting at `at`, verified as
//                                               lz4Verify does; `end`: the index after it (LTX pages of
//                                               superfly/ltx v0.5.0–v0.5.1, Litestream v0.5.0–v0.5.15)
// Format: the LZ4 frame and block specifications (github.com/lz4/lz4/blob/dev/doc).
import { xxh32 } from "./xxh32.ts";

export class Lz4Error extends Error {}

const MAGIC = 0x184d2204;

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

/** One frame's descriptor, as walkFrames hands it to its visitor. */
interface Descriptor {
  maxBlock: number;
  contentChecksum: boolean;
}

/** What walkFrames does with one frame's blocks: each block's bytes in place, then the frame's end. */
interface FrameVisitor {
  block(frame: Uint8Array, start: number, end: number, compressed: boolean): void;
  /** `checksumAt`: where the content checksum starts (it is there), or null without one. */
  end(checksumAt: number | null): void;
}

const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/**
 * Walks the frames of `frame` (skippable frames skipped), calling `visit` for each frame and the visitor for
 * each block. With `verify`, checks the descriptor (version, block size), its header checksum and every
 * block's checksum. Throws Lz4Error naming the byte where the frame is damaged.
 */
function walkFrames(frame: Uint8Array, verify: boolean, visit: (d: Descriptor) => FrameVisitor, once = false): number {
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
    const maxBlock = BLOCK_MAX[(frame[pos + 5] >> 4) & 7];
    if (verify && (flg >> 6 !== 1 || !maxBlock)) throw new Lz4Error(`unsupported frame descriptor at byte ${pos + 4}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const descriptorEnd = pos + 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
    if (descriptorEnd + 1 > frame.length) throw new Lz4Error(`truncated frame header at byte ${pos}`);
    if (verify && ((xxh32(frame.subarray(pos + 4, descriptorEnd)) >>> 8) & 0xff) !== frame[descriptorEnd]) throw new Lz4Error(`invalid header checksum at byte ${descriptorEnd}`);
    pos = descriptorEnd + 1;
    const visitor = visit({ maxBlock, contentChecksum });
    for (;;) {
      if (pos + 4 > frame.length) throw new Lz4Error(`truncated frame: no end mark`);
      const raw = view.getUint32(pos, true);
      pos += 4;
      if (raw === 0) break;
      const length = raw & 0x7fffffff;
      if ((verify && length > maxBlock) || pos + length + (blockChecksum ? 4 : 0) > frame.length) throw new Lz4Error(`block of ${length} bytes at byte ${pos} runs past the frame`);
      if (verify && blockChecksum && xxh32(frame.subarray(pos, pos + length)) !== view.getUint32(pos + length, true)) throw new Lz4Error(`invalid block checksum at byte ${pos}`);
      visitor.block(frame, pos, pos + length, (raw & 0x80000000) === 0);
      pos += length + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum && pos + 4 > frame.length) throw new Lz4Error(`truncated frame: no content checksum`);
    visitor.end(contentChecksum ? pos : null);
    pos += contentChecksum ? 4 : 0;
    if (once) break;
  }
  return pos;
}

export function lz4ContentSize(frame: Uint8Array): number {
  let total = 0;
  walkFrames(frame, false, () => ({
    block: (buf, start, end, compressed) => void (total += compressed ? blockSize(buf, start, end) : end - start),
    end: () => undefined,
  }));
  return total;
}

/**
 * Decodes one compressed block into `out` at `at`; matches may reach into earlier blocks. Returns the new end.
 * Short copies go byte by byte: a subarray or copyWithin call per sequence costs more than the bytes.
 */
function decodeBlock(buf: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
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

/**
 * Decodes every block of a frame (matches reach back across blocks) and checks its content checksum;
 * `onContent` gets the content when `keep` (else only its size: a WAL segment need not be held twice).
 */
function contentVisitor(view: DataView, maxBlock: number, keep: boolean, onContent: (size: number, content: Uint8Array | null) => void): FrameVisitor {
  const blocks: Uint8Array[] = [];
  let size = 0;
  let window = new Uint8Array(0);
  return {
    block(buf, start, end, compressed) {
      let block: Uint8Array;
      if (!compressed) block = buf.slice(start, end);
      else {
        // Earlier output (up to 64 KiB) goes in front so matches can reach back across blocks.
        const out = new Uint8Array(window.length + maxBlock);
        out.set(window);
        block = out.slice(window.length, decodeBlock(buf, start, end, out, window.length));
      }
      blocks.push(block);
      size += block.length;
      const joined = new Uint8Array(Math.min(64 * 1024, window.length + block.length));
      const tail = Math.min(block.length, joined.length);
      joined.set(window.subarray(window.length - (joined.length - tail)), 0);
      joined.set(block.subarray(block.length - tail), joined.length - tail);
      window = joined;
    },
    end(checksumAt) {
      let content: Uint8Array | null = null;
      if (checksumAt !== null || keep) {
        content = new Uint8Array(size);
        let at = 0;
        for (const b of blocks) content.set(b, (at += b.length) - b.length);
      }
      if (checksumAt !== null && xxh32(content!) !== view.getUint32(checksumAt, true)) throw new Lz4Error(`invalid frame checksum: the content does not match it`);
      onContent(size, keep ? content : null);
    },
  };
}

export function lz4Verify(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let total = 0;
  walkFrames(frame, true, ({ maxBlock }) => contentVisitor(view, maxBlock, false, (size) => void (total += size)));
  return total;
}

export function lz4ReadFrame(bytes: Uint8Array, at: number): { data: Uint8Array; end: number } {
  const frame = bytes.subarray(at);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const got: { data: Uint8Array | null } = { data: null };
  const length = walkFrames(frame, true, ({ maxBlock }) => contentVisitor(view, maxBlock, true, (_size, content) => void (got.data = content)), true);
  if (!got.data) throw new Lz4Error(`no LZ4 frame at byte ${at}`);
  return { data: got.data, end: at + length };
}
