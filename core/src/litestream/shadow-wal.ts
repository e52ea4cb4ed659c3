// The database's position as Litestream 0.3.13 sees it, read from its shadow
// WAL on disk: (current shadow WAL index, frame-aligned size of that one file).
// This is what a replica's `litestream_replica_wal_index/offset` is compared
// with. The metric `litestream_shadow_wal_size` is NOT: it is the total size of
// every shadow WAL file still kept (db.go CurrentShadowWALIndex sums them), so
// after the first checkpoint it is always ahead of any replica offset.
//
// Layout (db.go v0.3.13: MetaPath, GenerationNamePath, ShadowWALDir, FormatWALPath, frameAlign):
//   <dir>/.<name>-litestream/generation                          16 hex chars
//   <dir>/.<name>-litestream/generations/<generation>/wal/%08x.wal  WAL header (32 bytes) + frames
//
//   shadowWalIndex(fileName: string): number | null                      pure; "0000000a.wal" → 10
//   currentShadowWal(files: Array<{ name, size }>): { index, size } | null   pure; highest index
//   frameAlign(offset: number, pageSize: number): number                  pure; bytes, as Litestream's frameAlign
//   walHeaderPageSize(header: Buffer): number | null                      pure; WAL header bytes 8..11 (1 → 65536)
//   readShadowPosition(dbPath: string): Promise<ShadowPosition | null>    null before Litestream made a generation
import { open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

const WAL_HEADER_SIZE = 32;
const WAL_FRAME_HEADER_SIZE = 24;

export interface ShadowPosition {
  generation: string;
  /** Shadow WAL index: the file number, +1 at every checkpoint that restarts the WAL. */
  index: number;
  /** Frame-aligned bytes in that one shadow WAL file. */
  offset: number;
}

const NAME = /^([0-9a-f]{8})\.wal$/;

export function shadowWalIndex(fileName: string): number | null {
  const m = fileName.match(NAME);
  return m ? parseInt(m[1], 16) : null;
}

export function currentShadowWal(files: Array<{ name: string; size: number }>): { index: number; size: number } | null {
  let best: { index: number; size: number } | null = null;
  for (const f of files) {
    const index = shadowWalIndex(f.name);
    if (index !== null && (!best || index > best.index)) best = { index, size: f.size };
  }
  return best;
}

export function frameAlign(offset: number, pageSize: number): number {
  if (offset < WAL_HEADER_SIZE) return 0;
  const frame = WAL_FRAME_HEADER_SIZE + pageSize;
  return Math.floor((offset - WAL_HEADER_SIZE) / frame) * frame + WAL_HEADER_SIZE;
}

export function walHeaderPageSize(header: Buffer): number | null {
  if (header.length < 12) return null;
  const v = header.readUInt32BE(8);
  const size = v === 1 ? 65536 : v;
  return size >= 512 && size <= 65536 && (size & (size - 1)) === 0 ? size : null;
}

export function litestreamMetaDir(dbPath: string): string {
  return path.join(path.dirname(dbPath), `.${path.basename(dbPath)}-litestream`);
}

/** Reads the current shadow WAL of the database's current generation; null when there is none yet. */
export async function readShadowPosition(dbPath: string): Promise<ShadowPosition | null> {
  const meta = litestreamMetaDir(dbPath);
  let generation: string;
  try {
    generation = (await readFile(path.join(meta, "generation"), "utf8")).trim();
  } catch {
    return null;
  }
  if (!/^[0-9a-f]{16}$/.test(generation)) return null;
  const dir = path.join(meta, "generations", generation, "wal");
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  const index = currentShadowWal(names.map((name) => ({ name, size: 0 })))?.index;
  if (index === undefined) return { generation, index: 0, offset: 0 };
  const file = path.join(dir, names.find((n) => shadowWalIndex(n) === index)!);
  try {
    const size = (await stat(file)).size;
    const fh = await open(file, "r");
    try {
      const header = Buffer.alloc(WAL_HEADER_SIZE);
      const { bytesRead } = await fh.read(header, 0, WAL_HEADER_SIZE, 0);
      const pageSize = walHeaderPageSize(header.subarray(0, bytesRead));
      return { generation, index, offset: pageSize ? frameAlign(size, pageSize) : 0 };
    } finally {
      await fh.close();
    }
  } catch {
    // Litestream removed or replaced the file between readdir and open: the next sample sees the new one.
    return null;
  }
}
