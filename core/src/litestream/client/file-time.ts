// A replica file's time as Litestream's file client sees it: its mtime
// (Litestream 0.5 sets it to the LTX header timestamp; 0.3 reads it as the
// file's time), which Litestream compares in nanoseconds. Node's stat().mtime
// rounds to the nearest millisecond, so it can land after the true mtime and
// make `-timestamp` restores disagree with Litestream's on the boundary:
// truncate instead, so a time compared "before T" means the same on both sides.
import { stat } from "node:fs/promises";

export interface FileTime {
  size: number;
  /** mtime truncated to whole milliseconds (never after the file's true mtime). */
  mtime: Date;
}

/** stat(2) of `file` as { size (bytes), mtime (truncated to ms) }; null when it cannot be stat'ed (removed by compaction or retention meanwhile). */
export async function statFileTime(file: string): Promise<FileTime | null> {
  const st = await stat(file, { bigint: true }).catch(() => null);
  return st && { size: Number(st.size), mtime: new Date(Number(st.mtimeNs / 1_000_000n)) };
}
