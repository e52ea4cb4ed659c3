// Fault 3 of issue 12: a file replica directory that refuses writes. Made real
// with `chattr -R +i` on the replica directory and everything under it (we run
// as root on ext4; immutable directories refuse new entries, so Litestream
// cannot create its WAL segment files). Litestream 0.3.13 then hangs in "write
// wal segment", logs no error and never resumes by itself. The agent must say
// so (error: its write probe names the directory at once, the stuck check the
// position that does not move), restart Litestream with backoff, set ok:false in its status file,
// and after the directory is writable again replication resumes and the error
// clears: one incident, resolved.
import { execFileSync } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../core/test/litestream/live.ts";
import { runAgent, waitForStatus, type TestAgent } from "../../core/test/agent/harness.ts";
import { startSqliteWriter, type SqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { startWorld, type World } from "./world.ts";

let world: World;
let agent: TestAgent | null = null;
let writer: SqliteWriter | null = null;
let replicaDir = "";
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const immutable = (on: boolean) => execFileSync("chattr", ["-R", on ? "+i" : "-i", replicaDir]);

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  if (replicaDir) immutable(false);
  await writer?.stop();
  await agent?.stop();
  await world?.close();
});

describe("a file replica that refuses writes", () => {
  it("is an error naming the replica, Litestream is restarted, the status file says ok:false; writable again → fresh, one incident resolved", async () => {
    // A threshold longer than the stuck window, so the cause (error) comes before any bare `stale`.
    const p = await world.core.createProject("unwritable", { staleAfterSeconds: 60, heartbeatGraceSeconds: 10 });
    const dbPath = path.join(world.dir.path, "unwritable", "app.sqlite3");
    await mkdir(path.dirname(dbPath), { recursive: true });
    createDatabase(dbPath, 30);
    replicaDir = path.join(world.dir.path, "unwritable", "replica");
    const url = `file://${replicaDir}`;
    agent = await runAgent({
      server: world.core.url,
      token: p.agentToken,
      databases: [dbPath],
      replicaUrl: url,
      dir: path.dirname(dbPath),
      deps: { backoff: { initialMs: 200, maxMs: 1000 }, stuck: { afterMs: 6_000, maxBackoffMs: 12_000 } },
    });
    writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 5, durationMs: 150_000 });
    await waitForStatus(world.core, p.id, "fresh", 30_000, (d) => d.storageBytes > 0);

    const t0 = Date.now();
    immutable(true);
    const detail = await waitForStatus(world.core, p.id, "error", 40_000);
    const detectSeconds = (Date.now() - t0) / 1000;
    // The write probe names the cause at once...
    expect(detail.statusReasons.join("\n")).toMatch(new RegExp(`cannot write to ${escape(replicaDir)}: EPERM \\(immutable or read-only\\?\\)`));
    // ...and after the stuck window, the position that does not move too.
    const stuck = await waitForStatus(world.core, p.id, "error", 40_000, (d) => d.statusReasons.some((r) => /the replica position has not moved/.test(r)));
    expect(stuck.statusReasons.join("\n")).toMatch(
      new RegExp(`the replica position has not moved for \\d+s while the database changed \\((database at index \\d+, offset \\d+, )?replica stopped at index \\d+, offset \\d+(, the database file changed since)?\\): Litestream is stuck or cannot write to ${escape(url)}`),
    );
    const status = await waitFor(async () => {
      const s = JSON.parse(await readFile(agent!.statusFile, "utf8"));
      return s.ok === false ? s : null;
    }, { timeoutMs: 10_000, what: "ok:false in the status file" });
    expect(status.error).toMatch(/app: (cannot write to|the replica position has not moved)/);
    await waitFor(() => (agent!.agent.supervisor!.status().restarts >= 1 ? true : null), { timeoutMs: 30_000, what: "a Litestream restart" });
    // Still unwritable after the restart: the error stays (no flapping).
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await world.core.api("GET", `/api/v1/projects/${p.id}`)).body.status).toBe("error");

    const t1 = Date.now();
    immutable(false);
    await waitForStatus(world.core, p.id, "fresh", 60_000, (d) => d.databases[0].replicas[0].pendingSince === null);
    const resumeSeconds = (Date.now() - t1) / 1000;
    await waitFor(async () => (JSON.parse(await readFile(agent!.statusFile, "utf8")).ok === true ? true : null), { timeoutMs: 10_000, what: "ok:true again" });
    const incidents = (await world.core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body as Array<{ kind: string; open: boolean }>;
    expect(incidents.map((i) => [i.kind, i.open])).toEqual([["error", false]]);
    console.log(`[replica-unwritable] error after ${detectSeconds.toFixed(1)} s, fresh ${resumeSeconds.toFixed(1)} s after writable; Litestream restarts: ${agent.agent.supervisor!.status().restarts}`);
  }, 240_000);
});
