// Did the WAL restart while Litestream 0.5 was down? SQLite writes a new salt
// into the WAL header (bytes 16..23, https://sqlite.org/fileformat.html#wal_file_format)
// each time it restarts the WAL. Litestream 0.5 records the salt of the WAL it
// read in every LTX file's header (WALSalt1/2 at bytes 64..71, WALOffset and
// WALSize at 48..63; superfly/ltx Header). When, at its start, the WAL's salt
// differs from the newest local L0 LTX file's, 0.5.16 resumes at the new WAL's
// first frame if the last frame it copied still sits, unchanged, in the file
// (db.go verify: "wal restarted"): the old WAL's frames after that one, which
// were checkpointed into the database and never copied, are missing from the
// replica, and no snapshot is taken. Pages they changed restore stale.
// Frames keep their WAL's salt in their header (bytes 8..15), so the old WAL's
// frames past the new one's end tell what 0.5 will do: the last copied frame
// still old → it resumes (else it snapshots, and nothing is lost); the frame
// after it old too → that frame was written after the copy and is lost.
//
//   walHeaderSalt(header: Buffer): string | null            pure   hex "salt1salt2"; null: not a WAL header
//   ltxHeaderWal(header: Buffer): LtxWal | null             pure   null: not an LTX header
//   framesLost(last: LtxWal, wal: WalFacts): boolean         pure   0.5 will resume past frames it never copied
//   walRestartMessage(before: LtxWal, saltNow: string): string   pure
//   readWalSalt(dbPath): Promise<string | null>              the <db>-wal header's salt; null: no WAL
//   readWalFacts(dbPath, walEnd): Promise<WalFacts | null>   the WAL's salt and the salts of the frames around walEnd
//   newestLocalLtx(dbPath): Promise<LtxWal | null>           Litestream 0.5's newest L0 file in .<name>-litestream/ltx/0
import { open, readdir } from "node:fs/promises";
import path from "node:path";

export interface LtxWal {
  /** The LTX file's max TXID. */
  txid: number;
  salt: string;
  /** Byte offset in the WAL just past the last frame the file holds. */
  walEnd: number;
}

export interface WalFacts {
  salt: string;
  /** Page size + 24 (the frame header), bytes. */
  frameSize: number;
  /** Salts of the frame ending at walEnd (the last one Litestream copied) and of the frame starting there; null: none. */
  lastCopied: string | null;
  next: string | null;
}

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export function framesLost(last: LtxWal, wal: WalFacts): boolean {
  if (wal.salt === last.salt) return false;
  // Litestream 0.5 snapshots when the last copied frame is the WAL's first, or is gone.
  if (last.walEnd - wal.frameSize <= WAL_HEADER || wal.lastCopied !== last.salt) return false;
  return wal.next === last.salt;
}

const WAL_MAGIC = new Set([0x377f0682, 0x377f0683]);

export function walHeaderSalt(header: Buffer): string | null {
  if (header.length < 32 || !WAL_MAGIC.has(header.readUInt32BE(0))) return null;
  return header.subarray(16, 24).toString("hex");
}

export function ltxHeaderWal(header: Buffer): LtxWal | null {
  if (header.length < 72 || header.subarray(0, 4).toString("latin1") !== "LTX1") return null;
  return {
    txid: Number(header.readBigUInt64BE(24)),
    walEnd: Number(header.readBigInt64BE(48) + header.readBigInt64BE(56)),
    salt: header.subarray(64, 72).toString("hex"),
  };
}

export function walRestartMessage(before: LtxWal, saltNow: string): string {
  return (
    `the WAL restarted while Litestream was down (salt ${before.salt} -> ${saltNow}, Litestream had copied up to TXID ${before.txid}): ` +
    `committed changes written after that may be missing from the replica (Litestream 0.5 resumes without the frames it never copied and takes no snapshot); ` +
    `a new snapshot is needed before this backup is complete`
  );
}

async function readAt(file: string, spans: Array<[offset: number, bytes: number]>): Promise<Buffer[] | null> {
  const fh = await open(file, "r").catch(() => null);
  if (!fh) return null;
  try {
    const out: Buffer[] = [];
    for (const [offset, bytes] of spans) {
      const buf = Buffer.alloc(bytes);
      const { bytesRead } = await fh.read(buf, 0, bytes, Math.max(0, offset));
      out.push(buf.subarray(0, bytesRead));
    }
    return out;
  } finally {
    await fh.close();
  }
}

const readHead = async (file: string, bytes: number) => (await readAt(file, [[0, bytes]]))?.[0] ?? null;

export async function readWalFacts(dbPath: string, walEnd: number): Promise<WalFacts | null> {
  const head = await readHead(`${dbPath}-wal`, WAL_HEADER);
  const salt = head ? walHeaderSalt(head) : null;
  if (!head || !salt) return null;
  const pageSize = head.readUInt32BE(8);
  const frameSize = pageSize + FRAME_HEADER;
  const [before, at] = (await readAt(`${dbPath}-wal`, [[walEnd - frameSize, FRAME_HEADER], [walEnd, FRAME_HEADER]]))!;
  const frameSalt = (b: Buffer, offset: number) => (offset >= WAL_HEADER && b.length === FRAME_HEADER ? b.subarray(8, 16).toString("hex") : null);
  return { salt, frameSize, lastCopied: frameSalt(before, walEnd - frameSize), next: frameSalt(at, walEnd) };
}

export async function readWalSalt(dbPath: string): Promise<string | null> {
  const head = await readHead(`${dbPath}-wal`, 32);
  return head ? walHeaderSalt(head) : null;
}

export async function newestLocalLtx(dbPath: string): Promise<LtxWal | null> {
  const dir = path.join(path.dirname(dbPath), `.${path.basename(dbPath)}-litestream`, "ltx", "0");
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{16}-[0-9a-f]{16}\.ltx$/.test(n)).sort();
  const last = names.at(-1);
  const head = last ? await readHead(path.join(dir, last), 100) : null;
  return head ? ltxHeaderWal(head) : null;
}
