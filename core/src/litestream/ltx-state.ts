// A Litestream 0.5 replica's state as the agent reports it, from one listing of
// its LTX files (through the replica client: no path or key built here).
//
//   summarizeLtx(files: LtxFile[], url = "the replica"): ReplicaState   pure
//     position: { generation: null, index: 0, offset: <newest max TXID over every level> }
//     (0.5 has no generations or WAL indexes: the TXID rides in `offset`, so positions
//     compare with pending.ts's comparePositions unchanged); null for an empty replica.
//     lastSnapshotAt: newest level-9 file; snapshotTxid: its highest max TXID (null: none); lastWalAt: newest file of levels 0–8; storageBytes: all files.
//     chainTxid: where a latest restore's contiguous chain ends (planLtxRestore); null when it would fail (a hole, no start).
//     chainStart: the file that chain starts from, "<level>/<name>@<createdAt ISO>"; null when it would fail.
//     problems: [] or, when a latest restore would fail, its reason (as the 0.3 reader names a failing plan): a hole
//     below the newest TXID is an error even while newer TXIDs keep arriving (the replica never "went back").
//   readLtxReplica(target: ReplicaTarget, options?): Promise<ReplicaState>
//     throws ReplicaReadError (replica-files.ts) when storage cannot be listed; S3 through the agent's signed transport.
import { SNAPSHOT_LEVEL, type ClientOptions, type LtxFile } from "./client/replica-client.ts";
import { openSignedReplicaClient } from "./client/signed.ts";
import { planLtxRestore } from "./ltx-plan.ts";
import type { ReplicaState } from "./replica-reader.ts";
import type { ReplicaTarget } from "./replica-url.ts";

const newest = (files: LtxFile[]): Date | null =>
  files.reduce<Date | null>((acc, f) => (!acc || f.createdAt > acc ? f.createdAt : acc), null);

export function summarizeLtx(files: LtxFile[], url = "the replica"): ReplicaState {
  const maxTXID = files.reduce((acc, f) => Math.max(acc, f.maxTXID), 0);
  const snapshots = files.filter((f) => f.level === SNAPSHOT_LEVEL);
  const planned = files.length > 0 ? planLtxRestore(files) : null;
  return {
    generations: [],
    generation: null,
    lastSnapshotAt: newest(snapshots),
    lastWalAt: newest(files.filter((f) => f.level !== SNAPSHOT_LEVEL)),
    storageBytes: files.reduce((acc, f) => acc + f.size, 0),
    newestWal: null,
    newestSnapshot: null,
    position: files.length > 0 ? { generation: null, index: 0, offset: maxTXID, txid: maxTXID } : null,
    snapshotTxid: snapshots.length > 0 ? snapshots.reduce((acc, f) => Math.max(acc, f.maxTXID), 0) : null,
    chainTxid: planned?.ok ? planned.plan.maxTXID : null,
    chainStart: planned?.ok && planned.plan.files[0] ? `${planned.plan.files[0].level}/${planned.plan.files[0].name}@${planned.plan.files[0].createdAt.toISOString()}` : null,
    problems: planned && !planned.ok ? [`litestream restore of ${url} would fail: ${planned.reason}`] : [],
  };
}

export async function readLtxReplica(target: ReplicaTarget, options: ClientOptions = {}): Promise<ReplicaState> {
  const client = openSignedReplicaClient(target);
  const listing = await client.list(options);
  return summarizeLtx(listing.ltx, client.url);
}
