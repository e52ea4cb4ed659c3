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
//
//   walHeaderSalt(header: Buffer): string | null            pure   hex "salt1salt2"; null: not a WAL header
//   ltxHeaderWal(header: Buffer): LtxWal | null             pure   null: not an LTX header
//   walRestartMessage(before: LtxWal, saltNow: string): string   pure
//   readWalSalt(dbPath): Promise<string | null>              the <db>-wal header's salt; null: no WAL
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
    `committed changes written after that may be missing from the replica (Litestream 0.5 resumes without them and takes no snapshot); ` +
    `a new snapshot is needed before this backup is complete`
  );
}

async function readHead(file: string, bytes: number): Promise<Buffer | null> {
  const fh = await open(file, "r").catch(() => null);
  if (!fh) return null;
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
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
