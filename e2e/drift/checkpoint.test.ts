// Fault 1 of issue 12, whole system: a real agent and Litestream replicating to
// S3, a steady writer, one 6 MB insert (the WAL passes ~1000 pages and
// Litestream checkpoints into a new shadow WAL file), then idle and a slow
// writer. The project stays `fresh` throughout with zero incidents. The old
// agent compared the replica's offset with the total of all shadow WAL files
// and turned `stale` a few seconds after the checkpoint, forever.
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { readShadowPosition } from "../../core/src/litestream/shadow-wal.ts";
import { project } from "../../core/test/agent/harness.ts";
import { startSqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { useWorld } from "./use-world.ts";

const world = useWorld();

describe("Litestream checkpoints", () => {
  it("a caught-up database stays fresh after a checkpoint, idle and with a slow writer: zero incidents", async () => {
    const s = await world.scenario("checkpoint", {}, { litestream: "0.3" });
    const before = (await readShadowPosition(s.dbPath))!;
    const db = new Database(s.dbPath);
    db.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('big', ?, ?)").run("x".repeat(6_000_000), new Date().toISOString());
    db.close();
    await waitFor(async () => {
      const p = await readShadowPosition(s!.dbPath);
      return p && p.generation === before.generation && p.index > before.index ? p : null;
    }, { timeoutMs: 20_000, what: "the shadow WAL index to advance (a checkpoint)" });
    await s.writer!.stop();

    const statuses: string[] = [];
    const watch = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        statuses.push((await project(world.core, s!.projectId)).status);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await watch(15_000); // idle
    s.writer = await startSqliteWriter({ path: s.dbPath, ratePerSecond: 1, durationMs: 15_000 });
    await watch(15_000); // slow writer
    const notFresh = statuses.filter((x) => x !== "fresh");
    expect(notFresh, `statuses over ${statuses.length} polls`).toEqual([]);
    expect((await world.core.api("GET", `/api/v1/projects/${s.projectId}/incidents`)).body).toEqual([]);
    const last = (await project(world.core, s.projectId)).databases[0];
    expect(last.position!.index).toBeGreaterThan(before.index);
  }, 150_000);
});
