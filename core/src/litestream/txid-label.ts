// A TXID as Borela's messages write it: Litestream 0.5's transaction ids are hexadecimal (its LTX file
// names write them as 16 digits); a message writes "0x" and at least two digits ("0x0c"), one form in
// every message, agent's, drill's and CLI's alike.
//
//   txidLabel(txid: number | bigint): string   pure

export const txidLabel = (txid: number | bigint): string => `0x${txid.toString(16).padStart(2, "0")}`;
