// Litestream 0.5's local copy of what it has synced: level-0 LTX files in the
// database's meta directory, `<dir>/.<file>-litestream/ltx/0/<%016x min>-<%016x max>.ltx`
// (db.go, v0.5.16: the same TXID litestream_txid reports). The agent reads it when
// no metrics addr is configured (observe mode on a plain litestream.yml), as it
// reads 0.3's shadow WAL.
//
//   newestLocalTxid(names: string[]): number | null   pure; the highest max TXID among LTX file names
//   readLocalTxid(dbPath: string): Promise<number | null>   null when the directory is missing or holds no LTX file
import { readdir } from "node:fs/promises";
import path from "node:path";
import { litestreamMetaDir } from "./shadow-wal.ts";

const LTX_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.ltx$/;

export function newestLocalTxid(names: string[]): number | null {
  let newest: number | null = null;
  for (const name of names) {
    const m = LTX_NAME.exec(name);
    if (!m) continue;
    const max = Number.parseInt(m[2], 16);
    if (newest === null || max > newest) newest = max;
  }
  return newest;
}

export async function readLocalTxid(dbPath: string): Promise<number | null> {
  try {
    return newestLocalTxid(await readdir(path.join(litestreamMetaDir(dbPath), "ltx", "0")));
  } catch {
    return null;
  }
}
