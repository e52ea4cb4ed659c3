import { statfs } from "node:fs/promises";

export type FreeSpace = (dir: string) => Promise<number>;

/** Bytes available to this process on the filesystem holding `dir`. */
export const freeSpace: FreeSpace = async (dir) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};
