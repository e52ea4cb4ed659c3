-- A 0.5 agent re-reads storage on every heartbeat, so once the newest LTX files are removed its latest report
-- already shows the lowered TXID. The core keeps the highest TXID each replica was reported to reach in the
-- database's current history (store/replica-high-mark.ts), and when, for the drill's missing-LTX rule.
ALTER TABLE "Replica" ADD COLUMN "highTxid" BIGINT;
ALTER TABLE "Replica" ADD COLUMN "highTxidAt" DATETIME;
