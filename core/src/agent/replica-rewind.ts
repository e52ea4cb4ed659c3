// Litestream 0.5: a replica whose stored TXID (its newest LTX file's max TXID)
// goes back while the database's TXID did not is missing LTX files someone or
// something removed from storage: Litestream keeps uploading after its own
// in-memory position, so the chain now has a hole a restore cannot cross.
// That is an error at once, not a lag. It lasts until the chain a restore
// would use is whole up to the highest TXID seen: the files put back (by the
// operator, or re-uploaded), or a snapshot (level 9) at or past that TXID (a
// restore starts there, past the hole); or until the database itself goes back
// (a restore or a new database: a new history).
//
// The other way round, a replica whose latest restore reaches past the database's own TXID holds another
// history: Litestream's state was reset (or the database replaced by an older copy) over a replica that already
// held later TXIDs. Litestream 0.5 then counts from the database's TXID again while a restore still starts
// from the old history's files: it gives the old data, and once the new TXIDs pass the old ones, fails on pages
// of two histories. That is an error once two storage reads in a row see it (the database's TXID below what the
// first read found stored: a sync between reading the database and its replica shows a replica briefly
// ahead), until a latest restore starts from another file than it did then (a new snapshot past the old
// history, or the replica emptied).
//
//   stepRewind(state: RewindState, obs: RewindObservation): RewindState   pure
//   rewindMessage(state: RewindState): string | null                      pure
//   foreignMessage(state: RewindState): string | null                     pure: the other-history error

import { txidLabel } from "../litestream/txid-label.ts";

export interface RewindState {
  /** The highest stored TXID seen since the database's history began (null before the first read). */
  high: number | null;
  /** The database's TXID at the last observation that had one. */
  databaseTxid: number | null;
  /** Set while the replica is behind what it once held: from the high mark to the lowest seen since. */
  rewound: { from: number; to: number } | null;
  /** The chain's end at the last storage read when it was past the database's TXID, and the file it started from. */
  ahead?: { chainTxid: number; chainStart: string | null } | null;
  /** Set while the replica holds another history: where its restore ended and started, and the database's TXID, when first seen. */
  foreign?: { chainTxid: number; chainStart: string | null; databaseTxid: number } | null;
}

export interface RewindObservation {
  /** The replica's stored TXID read at this step (0 for an empty replica); undefined when storage was not read. */
  replicaTxid: number | undefined;
  /** The TXID a latest restore reaches over the replica's contiguous LTX chain (LtxState.chainTxid); null when the chain is broken, empty, or storage was not read. */
  chainTxid: number | null;
  /** The database's TXID (litestream_txid); null when unknown. */
  databaseTxid: number | null;
  /** The file a latest restore starts from (LtxState.chainStart); null when unknown or storage was not read. */
  chainStart?: string | null;
}

export const initialRewind: RewindState = { high: null, databaseTxid: null, rewound: null };

export function stepRewind(state: RewindState, obs: RewindObservation): RewindState {
  return { ...stepBehind(state, obs), ...stepForeign(state, obs) };
}

function stepForeign(state: RewindState, obs: RewindObservation): Pick<RewindState, "ahead" | "foreign"> {
  const kept = { ahead: state.ahead ?? null, foreign: state.foreign ?? null };
  if (obs.replicaTxid === undefined) return kept;
  const db = obs.databaseTxid;
  const start = obs.chainStart ?? null;
  let foreign = kept.foreign;
  // A latest restore no longer starts where it did: the other history is not what it gives any more.
  if (foreign && obs.chainTxid !== null && start !== foreign.chainStart) foreign = null;
  const ahead = db !== null && db > 0 && obs.chainTxid !== null && obs.chainTxid > db;
  // Kept as first seen: once the new history's TXIDs pass the old ones, a restore still starts from the old files.
  if (!foreign && ahead && kept.ahead && db < kept.ahead.chainTxid && start === kept.ahead.chainStart) {
    foreign = { chainTxid: kept.ahead.chainTxid, chainStart: start, databaseTxid: db };
  }
  return { ahead: ahead ? { chainTxid: obs.chainTxid!, chainStart: start } : null, foreign };
}

function stepBehind(state: RewindState, obs: RewindObservation): Pick<RewindState, "high" | "databaseTxid" | "rewound"> {
  const databaseTxid = obs.databaseTxid ?? state.databaseTxid;
  if (obs.databaseTxid !== null && state.databaseTxid !== null && obs.databaseTxid < state.databaseTxid) {
    return { high: obs.replicaTxid ?? null, databaseTxid, rewound: null };
  }
  if (obs.replicaTxid === undefined) return { ...state, databaseTxid };
  const txid = obs.replicaTxid;
  if (state.high === null || txid >= state.high) {
    const healed = state.rewound && obs.chainTxid !== null && obs.chainTxid >= state.rewound.from;
    return { high: txid, databaseTxid, rewound: healed ? null : state.rewound };
  }
  const rewound = state.rewound ? { from: state.rewound.from, to: Math.min(state.rewound.to, txid) } : { from: state.high, to: txid };
  const healed = obs.chainTxid !== null && obs.chainTxid >= rewound.from;
  return { high: state.high, databaseTxid, rewound: healed ? null : rewound };
}

/** Starting the replica over: what ends either error when the files cannot be put back (Litestream's reset alone makes another history). */
const START_OVER = "stop the agent, empty the replica or give it a new path, run litestream reset on the database, and start the agent again: Litestream then writes a new snapshot";
const REPAIR = `put the files back, or start the replica over: ${START_OVER}`;

export function rewindMessage(state: RewindState): string | null {
  if (!state.rewound) return null;
  return `the replica went back from TXID ${txidLabel(state.rewound.from)} to ${txidLabel(state.rewound.to)}: LTX files were removed from storage; ${REPAIR}`;
}

export function foreignMessage(state: RewindState): string | null {
  const f = state.foreign;
  if (!f) return null;
  return (
    `the replica holds another history: a latest restore reached TXID ${txidLabel(f.chainTxid)} while the database was at ${txidLabel(f.databaseTxid)} ` +
    `(Litestream's state was reset, or the database replaced by an older copy, over a replica that already held later TXIDs), ` +
    `so a restore gives that other history, not this database; ${START_OVER}`
  );
}
