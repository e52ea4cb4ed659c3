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
//   stepRewind(state: RewindState, obs: RewindObservation): RewindState   pure
//   rewindMessage(state: RewindState): string | null                      pure
//   txidLabel(txid: number): string   "0x0c": Litestream's hexadecimal, at least two digits  pure

export interface RewindState {
  /** The highest stored TXID seen since the database's history began (null before the first read). */
  high: number | null;
  /** The database's TXID at the last observation that had one. */
  databaseTxid: number | null;
  /** Set while the replica is behind what it once held: from the high mark to the lowest seen since. */
  rewound: { from: number; to: number } | null;
}

export interface RewindObservation {
  /** The replica's stored TXID read at this step (0 for an empty replica); undefined when storage was not read. */
  replicaTxid: number | undefined;
  /** The TXID a latest restore reaches over the replica's contiguous LTX chain (LtxState.chainTxid); null when the chain is broken, empty, or storage was not read. */
  chainTxid: number | null;
  /** The database's TXID (litestream_txid); null when unknown. */
  databaseTxid: number | null;
}

export const initialRewind: RewindState = { high: null, databaseTxid: null, rewound: null };

export function stepRewind(state: RewindState, obs: RewindObservation): RewindState {
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

export const txidLabel = (txid: number): string => `0x${txid.toString(16).padStart(2, "0")}`;

export function rewindMessage(state: RewindState): string | null {
  if (!state.rewound) return null;
  return `the replica went back from TXID ${txidLabel(state.rewound.from)} to ${txidLabel(state.rewound.to)}: LTX files were removed from storage`;
}
