// What a drill restores from a Litestream 0.3 replica (generations/): the
// counterpart of prepareLtxRestore in ltx-check.ts. The generation and WAL
// segments `litestream restore` would use (restore-check.ts), refused when the
// live database is on another generation, when the replica is empty, or when a
// WAL segment is damaged or missing.
//
//   prepareGenerationsRestore(target, listing, choice, input): Promise<PreparedGenerations>
//     input: { timestamp: Date | null (point in time, or null: latest), shown: redacted replica URL,
//              liveGeneration: the generation the agent last reported (compared only for a latest restore) }
//     throws InfrastructureError (via checkWalSegments) when storage cannot be read.
import type { ReplicaListing } from "../litestream/client/replica-client.ts";
import type { LayoutChoice } from "../litestream/layout/detect.ts";
import { summarizeReplica } from "../litestream/replica-files.ts";
import type { ReplicaTarget } from "../litestream/replica-url.ts";
import { segmentName } from "../litestream/restore-plan.ts";
import { generationMismatch } from "./decisions.ts";
import { formatBytes } from "../words/bytes.ts";
import { checkWalSegments, nameFiles, planFromListing } from "./restore-check.ts";
import type { RestoreSource } from "./restore-source.ts";

/** The generation planned (its id and stored bytes, for the report) once there is one, failed or not. */
export type PreparedGenerations =
  | { source: RestoreSource; generation: { id: string; bytes: number } }
  | { failed: string; generation: { id: string; bytes: number } | null };

export async function prepareGenerationsRestore(
  target: ReplicaTarget,
  listing: ReplicaListing,
  choice: LayoutChoice,
  input: { timestamp: Date | null; shown: string | null; liveGeneration: string | null },
): Promise<PreparedGenerations> {
  const files = listing.generations;
  const planned = planFromListing(files, input.timestamp);
  if (!planned.ok) {
    return { failed: planned.empty ? `no backup found in ${input.shown}` : `litestream restore of ${input.shown} would fail: ${planned.reason}`, generation: null };
  }
  const { plan, generation } = planned;
  const chosen = { id: plan.generation, bytes: generation.bytes };
  if (!input.timestamp) {
    const mismatch = generationMismatch(plan.generation, input.liveGeneration, summarizeReplica(files).generations.map((g) => g.id));
    if (mismatch) return { failed: mismatch, generation: chosen };
  }
  const segments = await checkWalSegments(target, plan);
  if (!segments.ok) return { failed: segments.reason, generation: chosen };
  const last = plan.wal.at(-1);
  const mixed = choice.stored === "mixed";
  return {
    generation: chosen,
    source: {
      layout: "generations",
      // Litestream 0.5 has no -generation flag: it picks the generation itself (its newest snapshot's).
      generation: mixed ? "" : plan.generation,
      timestamp: plan.timestamp,
      restorePoint: plan.restorePoint,
      restoredEnd: segments.end,
      txid: null,
      bytes: generation.bytes,
      summary: `generation ${plan.generation}: snapshot ${segmentName(plan.snapshot)}, ${plan.wal.length} WAL segment(s) to apply${last ? ` up to ${segmentName(last)}` : ""}; ${generation.snapshots} snapshot(s), ${generation.walSegments} WAL segment(s), ${formatBytes(generation.bytes)} stored`,
      warnings: mixed ? [`the replica holds both 0.3 generations and 0.5 LTX files: a 0.5 restore uses the generations because ${choice.because}`] : [],
      nameFiles: (message) => nameFiles(message, plan),
    },
  };
}
