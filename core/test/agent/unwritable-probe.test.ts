// A file replica that refuses writes is named at once by the agent's write
// probe, not after the 60 s stuck window, and when it is writable again
// Litestream is restarted right away, not at its next backoff (issue 12,
// tester's finding 4). Default stuck settings (60 s window, 10 min backoff cap);
// `chattr -R +i` as root on ext4. The restored replica is compared with a plain
// `litestream restore`.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restore } from "../../src/litestream/commands.ts";
import { countRows, createDatabase } from "../litestream/live.ts";
import { startSqliteWriter, type SqliteWriter } from "../support/sqlite-writer.ts";
import { waitFor } from "../support/wait-for.ts";
import { runAgent, startHarness, waitForStatus, type Harness, type TestAgent } from "./harness.ts";

let h: Harness;
let agent: TestAgent | null = null;
let writer: SqliteWriter | null = null;
let replicaDir = "";
const immutable = (on: boolean) => execFileSync("chattr", ["-R", on ? "+i" : "-i", replicaDir]);

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  if (replicaDir) immutable(false);
  await writer?.stop();
  await agent?.stop();
  await h?.close();
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("write probe of a file replica", () => {
  it("names an immutable replica directory within seconds and resumes replication within seconds of it being writable", async () => {
    const p = await h.core.createProject("probe", { staleAfterSeconds: 120, heartbeatGraceSeconds: 30 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    createDatabase(dbPath, 20);
    replicaDir = path.join(h.dir.path, "replica");
    agent = await runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], replicaUrl: `file://${replicaDir}`, dir: h.dir.path, deps: {} });
    writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 5, durationMs: 120_000 });
    await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => d.storageBytes > 0);

    const t0 = Date.now();
    immutable(true);
    const detail = await waitForStatus(h.core, p.id, "error", 20_000);
    const detectSeconds = (Date.now() - t0) / 1000;
    expect(detail.statusReasons.join("\n")).toMatch(new RegExp(`cannot write to ${escape(replicaDir)}: EPERM \\(immutable or read-only\\?\\)`));
    await waitFor(async () => (JSON.parse(await readFile(agent!.statusFile, "utf8")).ok === false ? true : null), { timeoutMs: 10_000, what: "ok:false" });
    // Still unwritable: the error stays.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await h.core.api("GET", `/api/v1/projects/${p.id}`)).body.status).toBe("error");

    const t1 = Date.now();
    immutable(false);
    await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => d.databases[0].replicas[0].pendingSince === null);
    const resumeSeconds = (Date.now() - t1) / 1000;
    expect(agent.logs.join("\n")).toMatch(/replica directory writable again while changes wait: restarting Litestream/);

    await writer.stop();
    writer = null;
    // Every row reaches the replica: a plain restore has them all (within a few syncs).
    const live = countRows(dbPath, "events");
    let restored = 0;
    await waitFor(async () => {
      const out = path.join(h.dir.path, `restored-${Date.now()}.sqlite3`);
      await restore({ replica: { type: "file", path: replicaDir } }, { outputPath: out, timeoutMs: 30_000 });
      restored = countRows(out, "events");
      return restored === live ? true : null;
    }, { timeoutMs: 15_000, intervalMs: 1000, what: "a plain restore with every row" }).catch((err) => {
      throw new Error(`${(err as Error).message}: ${restored} of ${live}`);
    });
    const incidents = (await h.core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body as Array<{ kind: string; open: boolean }>;
    expect(incidents.map((i) => [i.kind, i.open])).toEqual([["error", false]]);
    console.log(`[unwritable-probe] error after ${detectSeconds.toFixed(1)} s, fresh ${resumeSeconds.toFixed(1)} s after writable; Litestream restarts: ${agent.agent.supervisor!.status().restarts}`);
  }, 180_000);
});
