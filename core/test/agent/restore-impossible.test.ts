// An agent whose replica a plain `litestream restore` cannot restore reports an
// error in words, not `fresh` (issue 12, tester's finding 2): the newest
// generation's snapshots are deleted while an older generation is intact.
// The replica's lastSnapshotAt then describes the generation a restore would
// use (none), not the older generation's snapshot.
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { restore } from "../../src/litestream/commands.ts";
import { createDatabase } from "../litestream/live.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { waitFor } from "../support/wait-for.ts";
import { waitForStatus } from "./harness.ts";
import { useHarness } from "./use-harness.ts";

const h = useHarness();

describe("a replica litestream restore cannot restore", () => {
  it("is an error naming why, with lastSnapshotAt of the generation a restore would use", async () => {
    const p = await h.core.createProject("impossible", { staleAfterSeconds: 60, heartbeatGraceSeconds: 30 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    const replica = path.join(h.dir.path, "replica");
    createDatabase(dbPath, 30);
    const run = () => h.runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], replicaUrl: `file://${replica}`, dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.3" } });
    let agent = await run();
    await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => d.storageBytes > 0);
    await agent.stop();
    // Litestream loses its local state: the next start begins a newer generation.
    rmSync(path.join(h.dir.path, ".app.sqlite3-litestream"), { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 1100));
    agent = await run();
    const gens = () => readdirSync(path.join(replica, "generations"));
    await waitFor(() => (gens().length === 2 ? true : null), { timeoutMs: 20_000, what: "a second generation" });
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 10, durationMs: 2_000 });
    await writer.exited;
    const fresh = await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => d.databases[0].replicas[0].pendingSince === null);
    const newer = fresh.databases[0].position!.generation!;
    expect(gens()).toContain(newer);

    rmSync(path.join(replica, "generations", newer, "snapshots"), { recursive: true });
    const detail = await waitForStatus(h.core, p.id, "error", 20_000);
    expect(detail.statusReasons.join("\n")).toMatch(
      new RegExp(`litestream restore of file://${replica.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} would fail: generation ${newer}, the one a restore uses, has no snapshot \\(\\d+ WAL segment\\(s\\) only\\): litestream restore fails with "no snapshots available"`),
    );
    const stored = await h.core.store.replica.findFirst({ where: { url: `file://${replica}` } });
    expect(stored?.lastSnapshotAt ?? null).toBeNull();
    await expect(restore({ replica: { type: "file", path: replica } }, { outputPath: path.join(h.dir.path, "plain.sqlite3"), timeoutMs: 30_000 })).rejects.toThrow(/no snapshots available/);
  }, 120_000);
});
