// kill -9 of the core during heartbeat ingest: every heartbeat that got a 2xx
// must be in the database after restart (acknowledged only after commit).
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { startCoreProcess, stopProcess, type CoreProcess } from "../support/core-process.ts";
import { heartbeat } from "../../core/test/support/core-server.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "borela-crash-"));
const env = { BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: "bradm_crash_test", BORELA_RATE_LIMIT_PER_MINUTE: "1000000" };
let core: CoreProcess | null = null;

afterAll(async () => {
  if (core) await stopProcess(core.child, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("crash safety of heartbeat ingest", () => {
  it("keeps every acknowledged heartbeat after kill -9", async () => {
    core = await startCoreProcess(env);
    const created = await fetch(`${core.url}/api/v1/projects`, {
      method: "POST",
      headers: { authorization: "Bearer bradm_crash_test", "content-type": "application/json" },
      body: JSON.stringify({ name: "crash" }),
    });
    const project = (await created.json()) as { id: string; agentToken: string };

    const acknowledged: number[] = [];
    let next = 0;
    const TOTAL = 20_000;
    const killAfter = 1_500;
    let killed = false;
    const target = core;
    async function sender(): Promise<void> {
      while (next < TOTAL && target.child.exitCode === null && target.child.signalCode === null) {
        const seq = next++;
        try {
          const res = await fetch(`${target.url}/api/v1/heartbeats`, {
            method: "POST",
            headers: { authorization: `Bearer ${project.agentToken}`, "content-type": "application/json" },
            body: JSON.stringify(heartbeat({ sequence: seq, agentId: "crash-agent" })),
          });
          if (res.status === 201) acknowledged.push(seq);
          if (acknowledged.length >= killAfter && !killed) {
            killed = true;
            target.child.kill("SIGKILL");
          }
        } catch {
          return; // connection refused or reset: the core is gone
        }
      }
    }
    await Promise.all(Array.from({ length: 24 }, sender));
    expect(killed).toBe(true);
    await stopProcess(target.child, "SIGKILL");

    core = await startCoreProcess(env);
    await stopProcess(core.child);
    core = null;
    const db = new Sqlite(path.join(dataDir, "borela.db"), { readonly: true });
    const stored = new Set(
      (db.prepare("SELECT sequence FROM Heartbeat WHERE projectId = ?").all(project.id) as { sequence: number }[]).map((r) => r.sequence),
    );
    db.close();
    const lost = acknowledged.filter((s) => !stored.has(s));
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
    expect(lost).toEqual([]);
  }, 120_000);
});
