// LTX files, the unit of a Litestream 0.5 replica: one file per range of
// transactions, named `%016x-%016x.ltx` (min–max TXID). Format as superfly/ltx
// v0.5 writes it (ltx.go, encoder.go, decoder.go; all integers big-endian):
//
//   header   100 bytes: "LTX1", flags u32, page size u32, commit (pages) u32,
//            min TXID u64, max TXID u64, timestamp (ms since epoch) u64,
//            pre-apply checksum u64, WAL offset u64, WAL size u64,
//            WAL salt1 u32, salt2 u32, node id u64, 20 reserved bytes
//   pages    per page: pgno u32, flags u16; flag 1 (ltx v0.5.2+, Litestream v0.5.16+): size u32 then
//            an LZ4 block; no flag (ltx v0.5.0–v0.5.1, Litestream v0.5.0–v0.5.15): one whole LZ4
//            frame (its own end mark and XXH32 content checksum, verified too); a zero header ends them
//   index    uvarints (pgno, offset, size)… 0, then the index's size u64
//   trailer  post-apply checksum u64, file checksum u64
//
// The file checksum is CRC-64/ISO over every byte before it — except that pages
// count by their UNCOMPRESSED data, not the stored block — with bit 63 set.
// A snapshot (min TXID 1) also carries the database's checksum after it is
// applied: the XOR of CRC-64/ISO(pgno u32 ‖ page) over its pages, bit 63 set
// (unless flag 2, "no checksum", is set).
//
//   parseLtxHeader(bytes: Uint8Array): LtxHeader        first 100 bytes; throws LtxError naming the field
//   verifyLtx(bytes: Uint8Array): LtxVerified           the whole file: header, every page, index, trailer, checksums
//   verifyLtxChunks(chunks: AsyncIterable<Uint8Array>, size: number): Promise<LtxVerified>
//                                                       the same over the file read in pieces (client/chunks.ts),
//                                                       holding one page and one LZ4 block, never the file
//   ltxFileName(min: number, max: number): string        "0000000000000001-0000000000000007.ltx"
//   parseLtxFileName(name: string): { minTXID, maxTXID } | null
// TXIDs are numbers: a TXID above 2^53 is refused (LtxError), never rounded.
import { Crc64 } from "./crc64.ts";
import { lz4DecodeBlock } from "./lz4.ts";
import { pullBytes, pullChunks, verifyFrames } from "./lz4-verify.ts";

export const LTX_HEADER_SIZE = 100;
const LTX_TRAILER_SIZE = 16;
const PAGE_HEADER_SIZE = 6;
const FLAG_NO_CHECKSUM = 1 << 1;
const PAGE_FLAG_SIZE = 1;
const CHECKSUM_FLAG = 1n << 63n;
const PENDING_BYTE = 0x40000000;

export class LtxError extends Error {}

export interface LtxHeader {
  flags: number;
  pageSize: number;
  /** Database size after this file, in pages. */
  commit: number;
  minTXID: number;
  maxTXID: number;
  /** When the transaction was written (LTX header timestamp, ms precision). */
  timestamp: Date;
  preApplyChecksum: bigint;
  walOffset: number;
  walSize: number;
  nodeId: bigint;
  /** min TXID 1: holds every page of the database. */
  isSnapshot: boolean;
  /** Flag 2: the writer tracks no database checksum (pre/post-apply are zero). */
  noChecksum: boolean;
}

export interface LtxVerified {
  header: LtxHeader;
  postApplyChecksum: bigint;
  fileChecksum: bigint;
  pages: number;
}

const hex16 = (n: number | bigint) => n.toString(16).padStart(16, "0");

export function ltxFileName(minTXID: number, maxTXID: number): string {
  return `${hex16(minTXID)}-${hex16(maxTXID)}.ltx`;
}

const NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.ltx$/;

export function parseLtxFileName(name: string): { minTXID: number; maxTXID: number } | null {
  const m = name.match(NAME);
  if (!m) return null;
  const minTXID = Number.parseInt(m[1], 16);
  const maxTXID = Number.parseInt(m[2], 16);
  if (!Number.isSafeInteger(minTXID) || !Number.isSafeInteger(maxTXID)) return null;
  return { minTXID, maxTXID };
}

function safe(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new LtxError(`${field} ${value} is beyond 2^53`);
  return Number(value);
}

export function parseLtxHeader(bytes: Uint8Array): LtxHeader {
  if (bytes.length < LTX_HEADER_SIZE) throw new LtxError(`truncated: ${bytes.length} bytes, shorter than the ${LTX_HEADER_SIZE}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== "LTX1") throw new LtxError(`not an LTX file: magic ${JSON.stringify(magic)}, expected "LTX1"`);
  const flags = view.getUint32(4);
  const pageSize = view.getUint32(8);
  const header: LtxHeader = {
    flags,
    pageSize,
    commit: view.getUint32(12),
    minTXID: safe(view.getBigUint64(16), "header min TXID"),
    maxTXID: safe(view.getBigUint64(24), "header max TXID"),
    timestamp: new Date(safe(view.getBigUint64(32), "header timestamp")),
    preApplyChecksum: view.getBigUint64(40),
    walOffset: safe(view.getBigUint64(48), "header WAL offset"),
    walSize: safe(view.getBigUint64(56), "header WAL size"),
    nodeId: view.getBigUint64(72),
    isSnapshot: false,
    noChecksum: (flags & FLAG_NO_CHECKSUM) !== 0,
  };
  header.isSnapshot = header.minTXID === 1;
  if ((flags & ~FLAG_NO_CHECKSUM) !== 0) throw new LtxError(`header flags 0x${flags.toString(16)} are not valid`);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new LtxError(`header page size ${pageSize} is not a power of two from 512 to 65536`);
  if (header.minTXID === 0 || header.maxTXID === 0) throw new LtxError(`header TXID range ${header.minTXID}–${header.maxTXID} includes zero`);
  if (header.minTXID > header.maxTXID) throw new LtxError(`header TXID range is out of order: ${header.minTXID} > ${header.maxTXID}`);
  if (header.isSnapshot || header.noChecksum) {
    if (header.preApplyChecksum !== 0n) throw new LtxError(`header pre-apply checksum must be zero on a ${header.isSnapshot ? "snapshot" : "file without checksums"}`);
  } else if ((header.preApplyChecksum & CHECKSUM_FLAG) === 0n) {
    throw new LtxError(`header pre-apply checksum ${hex16(header.preApplyChecksum)} is missing or malformed`);
  }
  return header;
}

/** Bytes of the page index read at a time. */
const INDEX_PIECE = 64 * 1024;

export function verifyLtx(bytes: Uint8Array): LtxVerified {
  return pullBytes(ltxVerifier(bytes.length), bytes);
}

/** `chunks`: the file's `size` bytes in pieces, each valid until the next is asked for (readChunks). */
export function verifyLtxChunks(chunks: AsyncIterable<Uint8Array>, size: number): Promise<LtxVerified> {
  return pullChunks(ltxVerifier(size), chunks);
}

/**
 * verifyLtx over a file of `size` bytes, pulling its input: it yields how many bytes it wants next and is given
 * them back (fewer only where the input ends), valid until it asks again. Holds one page and one LZ4 block.
 */
function* ltxVerifier(size: number): Generator<number, LtxVerified, Uint8Array> {
  let pos = 0;
  function* take(n: number): Generator<number, Uint8Array, Uint8Array> {
    const got = n > 0 ? yield n : new Uint8Array(0);
    pos += got.length;
    return got;
  }
  const headerBytes = yield* take(LTX_HEADER_SIZE);
  const header = parseLtxHeader(headerBytes);
  if (size < LTX_HEADER_SIZE + PAGE_HEADER_SIZE + 8 + LTX_TRAILER_SIZE) throw new LtxError(`truncated: ${size} bytes cannot hold a page index and trailer`);
  const hash = new Crc64().update(headerBytes);
  const lockPgno = Math.floor(PENDING_BYTE / header.pageSize) + 1;
  let dbChecksum = 0n;
  const pageHash = new Uint8Array(4 + header.pageSize);
  const page = new Uint8Array(header.pageSize);
  let pages = 0;
  let prev = 0;
  for (;;) {
    if (pos + PAGE_HEADER_SIZE > size) throw new LtxError(`truncated: page frame ${pages + 1} at byte ${pos} runs past the end of the file`);
    const frameHeader = yield* take(PAGE_HEADER_SIZE);
    if (frameHeader.length < PAGE_HEADER_SIZE) throw new LtxError(`truncated: page frame ${pages + 1} at byte ${pos - frameHeader.length} runs past the end of the file`);
    const pgno = u32be(frameHeader, 0);
    const flags = (frameHeader[4] << 8) | frameHeader[5];
    hash.update(frameHeader);
    if (pgno === 0 && flags === 0) break;
    const where = `page frame ${pages + 1} (page ${pgno}, byte ${pos - PAGE_HEADER_SIZE})`;
    if (pgno === 0) throw new LtxError(`${where}: page number 0`);
    if (pgno > header.commit) throw new LtxError(`${where}: page number beyond the database's ${header.commit} pages`);
    if (pgno <= prev) throw new LtxError(`${where}: page numbers out of order (after page ${prev})`);
    if (header.isSnapshot && pgno !== prev + 1 && !(prev + 1 === lockPgno && pgno === prev + 2)) throw new LtxError(`${where}: a snapshot must hold every page, page ${prev + 1} is missing`);
    let decoded: number;
    if ((flags & PAGE_FLAG_SIZE) === 0) {
      decoded = 0;
      const collect = (piece: Uint8Array) => {
        if (decoded + piece.length <= page.length) page.set(piece, decoded);
        decoded += piece.length;
      };
      try {
        pos += (yield* verifyFrames(collect, true)).length;
      } catch (err) {
        throw new LtxError(`${where}: page data (an LZ4 frame, as Litestream before v0.5.16 writes it) does not decode (${(err as Error).message})`);
      }
    } else {
      if (pos + 4 > size) throw new LtxError(`truncated: ${where} has no data size`);
      const sizeBytes = yield* take(4);
      if (sizeBytes.length < 4) throw new LtxError(`truncated: ${where} has no data size`);
      const dataSize = u32be(sizeBytes, 0);
      hash.update(sizeBytes);
      if (pos + dataSize > size) throw new LtxError(`truncated: ${where} has ${dataSize} bytes of data, the file ends first`);
      const block = yield* take(dataSize);
      if (block.length < dataSize) throw new LtxError(`truncated: ${where} has ${dataSize} bytes of data, the file ends first`);
      try {
        decoded = lz4DecodeBlock(block, header.pageSize, page).length;
      } catch (err) {
        throw new LtxError(`${where}: page data does not decode (${(err as Error).message})`);
      }
    }
    if (decoded !== header.pageSize) throw new LtxError(`${where}: page data decodes to ${decoded} bytes, expected the page size ${header.pageSize}`);
    hash.update(page);
    if (header.isSnapshot && !header.noChecksum) {
      new DataView(pageHash.buffer).setUint32(0, pgno);
      pageHash.set(page, 4);
      dbChecksum ^= CHECKSUM_FLAG | new Crc64().update(pageHash).digest();
    }
    prev = pgno;
    pages++;
  }
  const indexStart = pos;
  const trailerStart = size - LTX_TRAILER_SIZE;
  if (trailerStart - 8 < indexStart) throw new LtxError(`truncated: no room for the page index and trailer after byte ${indexStart}`);
  // The index is read in pieces and its entries counted as they pass; its size (after it) is checked first, as
  // it would be reading the file whole.
  const index = indexCounter(indexStart);
  for (let left = trailerStart - 8 - indexStart; left > 0; ) {
    const piece = yield* take(Math.min(left, INDEX_PIECE));
    if (piece.length === 0) break;
    hash.update(piece);
    index.update(piece);
    left -= piece.length;
  }
  const tail = yield* take(8 + LTX_TRAILER_SIZE);
  if (tail.length < 8 + LTX_TRAILER_SIZE) throw new LtxError(`truncated: the file ends at byte ${pos}, before its ${size} bytes`);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const indexSize = safe(view.getBigUint64(0), "page index size");
  if (indexStart + indexSize + 8 !== trailerStart) {
    throw new LtxError(`page index size ${indexSize} does not match the ${trailerStart - 8 - indexStart} bytes between the pages and the trailer (file truncated or extended)`);
  }
  const entries = index.entries();
  if (entries !== pages) throw new LtxError(`page index lists ${entries} page(s), the file holds ${pages}`);
  hash.update(tail.subarray(0, 16));
  const postApplyChecksum = view.getBigUint64(8);
  const fileChecksum = view.getBigUint64(16);
  const computed = CHECKSUM_FLAG | hash.digest();
  if (fileChecksum !== computed) {
    throw new LtxError(`file checksum mismatch: the trailer says ${hex16(fileChecksum)}, the content gives ${hex16(computed)} (CRC-64/ISO)`);
  }
  if (header.noChecksum ? postApplyChecksum !== 0n : (postApplyChecksum & CHECKSUM_FLAG) === 0n) {
    throw new LtxError(`trailer post-apply checksum ${hex16(postApplyChecksum)} is malformed`);
  }
  if (header.isSnapshot && !header.noChecksum) {
    const expected = CHECKSUM_FLAG | dbChecksum;
    if (postApplyChecksum !== expected) {
      throw new LtxError(`snapshot's database checksum mismatch: the trailer says ${hex16(postApplyChecksum)}, its pages give ${hex16(expected)}`);
    }
  }
  return { header, postApplyChecksum, fileChecksum, pages };
}

const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/**
 * Counts the page index's entries (uvarints pgno, offset, size, ended by pgno 0; bytes after the end mark are
 * not read) from pieces of it. `entries()` throws LtxError when a uvarint runs past the index or past 10 bytes.
 */
function indexCounter(start: number) {
  let at = start;
  let field = 0; // 0 pgno, 1 offset, 2 size
  let value = 0;
  let varintStart = start;
  let varintBytes = 0;
  let count = 0;
  let done = false;
  let broken: number | null = null;
  return {
    update(piece: Uint8Array) {
      for (let i = 0; i < piece.length && !done && broken === null; i++, at++) {
        const byte = piece[i];
        if (varintBytes === 0) varintStart = at;
        value += (byte & 0x7f) * 128 ** varintBytes;
        varintBytes++;
        if (byte & 0x80) {
          if (varintBytes === 10) broken = varintStart;
          continue;
        }
        if (field === 0 && value === 0) done = true;
        else if (field === 2) count++;
        field = (field + 1) % 3;
        value = 0;
        varintBytes = 0;
      }
    },
    entries(): number {
      if (!done) throw new LtxError(`page index: varint at byte ${broken ?? (varintBytes > 0 ? varintStart : at)} runs past the index`);
      return count;
    },
  };
}
