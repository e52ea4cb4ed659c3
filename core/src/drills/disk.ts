import { mkdir, statfs } from "node:fs/promises";
import { requiredFreeBytes } from "./decisions.ts";
import { formatBytes } from "../words/bytes.ts";

export type FreeSpace = (dir: string) => Promise<number>;

/** Bytes available to this process on the filesystem holding `dir`. */
export const freeSpace: FreeSpace = async (dir) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

/**
 * The drill directory `dir` (made 0700 if missing) against what restoring `backupBytes` of backup needs
 * (decisions.ts requiredFreeBytes, `liveBytes`: the live database's size, null when unknown): the free bytes,
 * and the refusal when short or the progress step's words.
 */
export async function drillDisk(dir: string, backupBytes: number, liveBytes: number | null, free: FreeSpace = freeSpace): Promise<{ free: number; refusal: string | null; words: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const bytes = await free(dir);
  const needed = requiredFreeBytes(backupBytes, liveBytes);
  const refusal = bytes < needed ? `not enough free disk in ${dir}: ${formatBytes(bytes)} free, ${formatBytes(needed)} needed to restore ${formatBytes(backupBytes)} of backup` : null;
  return { free: bytes, refusal, words: `${formatBytes(bytes)} free in ${dir}, ${formatBytes(needed)} needed` };
}
