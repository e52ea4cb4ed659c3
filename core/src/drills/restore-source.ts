// What a drill restores, whichever Litestream layout it comes from: the part
// of the drill after the pre-checks (restore, inspect, compare) reads only this.
import type { Position } from "../protocol.ts";
import type { LtxFile } from "../litestream/client/replica-client.ts";

export interface RestoreSource {
  /** 0.5 LTX files, or 0.3 generations. */
  layout: "ltx" | "generations";
  /** `-generation` for a 0.3 layout; "" for LTX (0.5 has no generations). */
  generation: string;
  /** `-timestamp` of a point-in-time restore; null for the latest state. */
  timestamp: Date | null;
  /** Time of the newest change the restore reaches (WAL segment creation; LTX header timestamp). */
  restorePoint: Date;
  /** Where the restore ends, as the agent reports positions (RPO against the live one): 0.3 generation/index/offset; LTX `{ generation: null, index: 0, offset: TXID, txid: TXID }`. */
  restoredEnd: Position | null;
  /** The TXID the restore ends at (LTX); null for 0.3. */
  txid: number | null;
  /** Stored bytes the restore reads. */
  bytes: number;
  /** The inspect-replica step's message. */
  summary: string;
  warnings: string[];
  /**
   * Checks the drill starts beside the restore and awaits before judging it (LTX: every file's checksums):
   * a damaged backup (and the damaged file, when one is), or what the checks found (a step message, the exact restore point).
   */
  verify?: () => Promise<{ damaged: string; file: LtxFile | null } | { summary: string; restorePoint: Date }>;
  /** Litestream's restore error with the files it means named. */
  nameFiles(message: string): string;
}
