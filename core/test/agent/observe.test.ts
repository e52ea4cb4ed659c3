// --observe: the agent watches a Litestream it did not start (metrics addr from
// that Litestream's own config, replica read from storage) and still catches it
// stopping: the metrics endpoint goes away and changes stop reaching the replica.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatRegistry } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { HeartbeatPayload } from "../../src/protocol.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { createDatabase, startLitestream, type LiveLitestream } from "../litestream/live.ts";
import { runAgent, type TestAgent } from "./harness.ts";
import { keepHeartbeats } from "./kept-heartbeats.ts";

let dir: TmpDir;
let live: LiveLitestream;
let agent: TestAgent;
let dbPath: string;
const payloads: HeartbeatPayload[] = [];
// The core validates date-time with ajv; TypeBox's Value needs the format named.
if (!FormatRegistry.Has("date-time")) FormatRegistry.Set("date-time", (v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)));

beforeAll(async () => {
  dir = await tmpDir();
  dbPath = path.join(dir.path, "app.sqlite3");
  createDatabase(dbPath, 10);
  live = await startLitestream(dir.path, dbPath, { type: "file", path: path.join(dir.path, "replica") });
  agent = await runAgent({
    server: "http://127.0.0.1:9",
    token: "brag_observe",
    databases: [],
    flags: { litestreamConfig: live.configPath, observe: true },
    env: { BORELA_DATABASES: "" },
    dir: dir.path,
    deps: { post: keepHeartbeats(payloads) },
  });
});

afterAll(async () => {
  await agent?.stop();
  await live?.stop();
  await dir?.remove();
});

const latest = () => payloads.at(-1)!;

describe("agent --observe", () => {
  it("reports positions from the running Litestream's metrics and from storage, starting nothing", async () => {
    expect(agent.agent.supervisor).toBeNull();
    expect(agent.agent.metricsAddr()).toBe(live.addr);
    await live.caughtUp();
    const p = await waitFor(() => payloads.find((x) => x.databases[0]?.replicas[0]?.position && x.databases[0].position), { timeoutMs: 10_000, what: "a heartbeat with positions" });
    expect(p.mode).toBe("observe");
    expect([...Value.Errors(HeartbeatPayload, p)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    const db = p.databases[0];
    expect(db).toMatchObject({ name: "app", path: dbPath, exists: true, litestreamRunning: true, errors: [] });
    expect(db.replicas[0]).toMatchObject({ type: "file", url: `file://${path.join(dir.path, "replica")}`, lastError: null });
    expect(db.replicas[0].storageBytes).toBeGreaterThan(0);
  });

  it("catches the Litestream that stopped: an error, and writes pending since they were seen", async () => {
    live.process.kill();
    await live.process.exited;
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 4000 });
    const p = await waitFor(
      () => {
        const db = latest().databases[0];
        return db.litestreamRunning === false && db.replicas[0].pendingSince ? latest() : null;
      },
      { timeoutMs: 10_000, what: "a heartbeat showing Litestream gone and changes pending" },
    );
    await writer.stop();
    expect(Value.Check(HeartbeatPayload, p)).toBe(true);
    expect(p.databases[0].errors.join(" ")).toMatch(/Litestream is not running: Litestream metrics at http:\/\/127\.0\.0\.1:\d+\/metrics unreachable/);
  });
});
