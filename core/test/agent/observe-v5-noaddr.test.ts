// Observe mode on Litestream 0.5 with a plain litestream.yml that has no `addr:` (no metrics): the heartbeat
// still carries the database's TXID, read from Litestream's local level-0 LTX files (the TXID litestream_txid
// reports), and it equals the replica's once caught up. On the old agent the database position was null.
import { describe, expect, it } from "vitest";
import { newestLocalTxid } from "../../src/litestream/local-ltx.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { waitFor } from "../support/wait-for.ts";
import { useObservedLitestream05 } from "../support/observed-litestream05.ts";

describe("newestLocalTxid", () => {
  it("takes the highest max TXID of LTX file names, ignoring anything else", () => {
    expect(newestLocalTxid(["0000000000000008-0000000000000008.ltx", "000000000000000a-000000000000000d.ltx", "0000000000000009-0000000000000009.ltx", "x.ltx.tmp", "0000000000000010-0000000000000010.ltx.tmp"])).toBe(13);
    expect(newestLocalTxid([])).toBeNull();
  });
});

describe("agent --observe on Litestream 0.5 without a metrics addr (real binary)", () => {
  const start = useObservedLitestream05();

  it("reports the database's TXID and the replica's, equal once caught up", async () => {
    const { dbPath, lines, agent, payloads } = await start("brag_observe5noaddr", null);
    expect(agent.agent.settings.litestreamVersion).toBe("0.5");
    await (await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 1500 })).exited;
    const db = await waitFor(
      () => {
        const d = payloads.at(-1)?.databases[0];
        const r = d?.replicas[0]?.position;
        // Caught up: equal TXIDs and nothing pending. Without metrics, a change to the database's files after the
        // replica's last advance (Litestream's own checkpoint) keeps pendingSince set until storage moves again.
        return d?.position && r && d.position.offset > 1 && r.offset === d.position.offset && d.replicas[0].pendingSince === null ? d : null;
      },
      { timeoutMs: 30_000, what: `a heartbeat with the database's TXID equal to the replica's, nothing pending (last: ${JSON.stringify(payloads.at(-1)?.databases[0] ?? null)}; litestream: ${lines.join("").slice(-300)})` },
    );
    expect(db.position).toMatchObject({ generation: null, index: 0, txid: db.position!.offset });
    expect(db.errors).toEqual([]);
  }, 60_000);
});
