// What can be done about a damaged LTX file a restore plan needs (Litestream 0.5).
//
// Damage to a file's content (layout/v5.ts: "LTX file level L <name> (<key>) is
// damaged: …": header, LZ4 page blocks, page index, CRC-64/ISO file checksum)
// is what `litestream restore` 0.5 decodes too: it fails on the same file
// ("close reader 0: file checksum mismatch", checked with 0.5.16), so forcing a
// restore past Borela's check cannot help. Borela's stricter checks (a header
// whose TXIDs differ from the name; a file whose pre-apply checksum does not
// follow the previous file) are ones Litestream does not make: forcing may work.
// What can help with content damage is a point in time before the damaged file.
//
//   litestreamFailsOnDamage(message: string): boolean   pure
//     message: a drill's or restore's damage text (DamagedLtxError's, "backup is damaged: " in front or not)
//   restoreBefore(files: LtxFile[], damaged: LtxFile): LtxEscape | null   pure
//     the restore plan at the damaged file's time (ltx-plan.ts), when it exists and leaves the file out
import type { LtxFile } from "./client/replica-client.ts";
import { planLtxRestore } from "./ltx-plan.ts";
import { txidLabel } from "./txid-label.ts";

/** How a drill names newest LTX files lost after the agent saw them stored (drills/decisions.ts ltxBelowReplica): a restore does not refuse that. */
export const NEWEST_LTX_MISSING = "the newest LTX files are missing";

const CONTENT_DAMAGE = /LTX file level \d+ [0-9a-f]{16}-[0-9a-f]{16}\.ltx \(.*\) is damaged: /;

export function litestreamFailsOnDamage(message: string): boolean {
  return CONTENT_DAMAGE.test(message);
}

/** A restore that stops before the damaged file: `-timestamp`, and where it ends (TXID, LTX header time of its last file). */
export interface LtxEscape {
  timestamp: Date;
  txid: number;
  restorePoint: Date;
}

export function restoreBefore(files: LtxFile[], damaged: LtxFile): LtxEscape | null {
  const planned = planLtxRestore(files, { timestamp: damaged.createdAt });
  if (!planned.ok || planned.plan.files.some((f) => f.key === damaged.key)) return null;
  return { timestamp: damaged.createdAt, txid: planned.plan.maxTXID, restorePoint: planned.plan.files.at(-1)!.createdAt };
}

/** The words after a refusal of content damage: why --force is not offered and what to do instead. */
export function damageEscapeWords(escape: LtxEscape | null): string {
  const why = "litestream restore fails on this file too, so --force cannot help";
  if (!escape) return `${why}; no earlier point in time can be restored from the files stored either (each restore plan before it lacks files)`;
  return `${why}; restore the state before it with --timestamp ${escape.timestamp.toISOString()} (up to TXID ${txidLabel(escape.txid)}, as of ${escape.restorePoint.toISOString()})`;
}
