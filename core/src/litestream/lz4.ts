// Size of the data inside an LZ4 frame, without producing it. Litestream 0.3
// stores snapshots and WAL segments as LZ4 frames; a WAL segment's position
// end (its offset + its uncompressed size) is what Litestream reports as the
// replica's WAL offset, so the replica reader needs this to state the stored
// position exactly.
//
//   lz4ContentSize(frame: Uint8Array): number   throws Lz4Error on a damaged frame
export class Lz4Error extends Error {}

const MAGIC = 0x184d2204;

function blockSize(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let size = 0;
  while (i < end) {
    const token = buf[i++];
    let literals = token >> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (i >= end) throw new Lz4Error(`literal length runs past the block at byte ${i}`);
        b = buf[i++];
        literals += b;
      } while (b === 255);
    }
    i += literals;
    size += literals;
    if (i >= end) break; // the last sequence has literals only
    i += 2; // match offset
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        if (i >= end) throw new Lz4Error(`match length runs past the block at byte ${i}`);
        b = buf[i++];
        match += b;
      } while (b === 255);
    }
    size += match + 4;
  }
  if (i !== end) throw new Lz4Error(`block ends at byte ${i}, expected ${end}`);
  return size;
}

export function lz4ContentSize(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let pos = 0;
  let total = 0;
  while (pos < frame.length) {
    if (pos + 4 > frame.length) throw new Lz4Error(`truncated frame header at byte ${pos}`);
    const magic = view.getUint32(pos, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // skippable frame
      pos += 8 + view.getUint32(pos + 4, true);
      continue;
    }
    if (magic !== MAGIC) throw new Lz4Error(`not an LZ4 frame: magic 0x${magic.toString(16)} at byte ${pos}`);
    const flg = frame[pos + 4];
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    pos += 6 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0) + 1;
    for (;;) {
      if (pos + 4 > frame.length) throw new Lz4Error(`truncated frame: no end mark`);
      const raw = view.getUint32(pos, true);
      pos += 4;
      if (raw === 0) break;
      const size = raw & 0x7fffffff;
      if (pos + size > frame.length) throw new Lz4Error(`block of ${size} bytes at byte ${pos} runs past the frame`);
      total += raw & 0x80000000 ? size : blockSize(frame, pos, pos + size);
      pos += size + (blockChecksum ? 4 : 0);
    }
    pos += contentChecksum ? 4 : 0;
  }
  return total;
}
