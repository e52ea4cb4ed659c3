// Observe mode on Litestream 0.5 with a plain litestream.yml that has no `addr:` (no metrics): the heartbeat
// still carries the database's TXID, read from Litestream's local level-0 LTX files (the TXID litestream_txid
// reports), and it equals the replica's once caught up. On the old agent the database position was null.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newestLocalTxid } from "../../src/litestream/local-ltx.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { litestream05, litestream05Env } from "../litestream/live-v5.ts";
import { runAgent, type TestAgent } from "./harness.ts";

describe("newestLocalTxid", () => {
  it("takes the highest max TXID of LTX file names, ignoring anything else", () => {
    expect(newestLocalTxid(["0000000000000008-0000000000000008.ltx", "000000000000000a-000000000000000d.ltx", "0000000000000009-0000000000000009.ltx", "x.ltx.tmp", "0000000000000010-0000000000000010.ltx.tmp"])).toBe(13);
    expect(newestLocalTxid([])).toBeNull();
  });
});

describe("agent --observe on Litestream 0.5 without a metrics addr (real binary)", () => {
  let dir: TmpDir;
  let child: ChildProcess | null = null;
  let agent: TestAgent | null = null;
  const payloads: HeartbeatPayload[] = [];
  afterAll(async () => {
    await agent?.stop();
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await dir?.remove();
  });

  it("reports the database's TXID and the replica's, equal once caught up", async () => {
    dir = await tmpDir();
    const dbPath = path.join(dir.path, "app.sqlite3");
    const replica = path.join(dir.path, "replica");
    createDatabase(dbPath, 10);
    const config = path.join(dir.path, "litestream.yml");
    writeFileSync(config, `dbs:\n  - path: ${dbPath}\n    monitor-interval: 100ms\n    replica:\n      type: file\n      path: ${replica}\n      sync-interval: 100ms\n`);
    const lines: string[] = [];
    child = spawn(litestream05(), ["replicate", "-config", config], { env: litestream05Env(), stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (c) => lines.length < 2000 && lines.push(String(c)));
    agent = await runAgent({
      server: "http://127.0.0.1:9",
      token: "brag_observe5noaddr",
      databases: [],
      flags: { litestreamConfig: config, observe: true },
      env: { BORELA_DATABASES: "", BORELA_LITESTREAM_VERSION: "" },
      dir: dir.path,
      deps: { post: async (p) => (payloads.push(p), { kind: "ok", status: 201, value: null }) },
    });
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
