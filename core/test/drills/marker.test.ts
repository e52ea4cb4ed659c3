// The round-trip proof: an agent with markers on writes `_borela_marker` rows;
// the drill finds a recent one in the restored copy (exact RPO), and fails when
// the newest marker that reached storage is older than the stale threshold.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { createDatabase } from "../litestream/live.ts";
import { waitForStatus } from "../agent/harness.ts";
import { useHarness } from "../agent/use-harness.ts";
import { waitFor, sleep } from "../support/wait-for.ts";

const h = useHarness();

async function drill(projectId: string) {
  const res = await h.core.api("POST", `/api/v1/projects/${projectId}/drills`, { body: {} });
  expect(res.status).toBe(202);
  await h.core.app.drills.tick();
  return waitFor(async () => {
    const d = (await h.core.api("GET", `/api/v1/drills/${res.body.id}`)).body;
    return ["passed", "failed", "error"].includes(d.status) ? d : null;
  }, { timeoutMs: 30_000, what: "the drill" });
}

describe("marker round trip", () => {
  it("passes with an exact RPO while markers reach storage, fails once they stop arriving", async () => {
    const p = await h.core.createProject("marker", { staleAfterSeconds: 4, heartbeatGraceSeconds: 30 });
    const dbPath = path.join(h.dir.path, "marker.sqlite3");
    createDatabase(dbPath, 5);
    const agent = await h.runAgent({
      server: h.core.url,
      token: p.agentToken,
      databases: [dbPath],
      replicaUrl: `file://${path.join(h.dir.path, "marker-replica")}`,
      env: { BORELA_MARKER: "true" },
      flags: { restartLitestream: false },
      dir: h.dir.path,
    });
    await waitForStatus(h.core, p.id, "fresh", 15_000);
    await waitFor(async () => {
      const db = await h.core.store.database.findFirst({ where: { projectId: p.id } });
      return db?.markerEnabled ? db : null;
    }, { timeoutMs: 10_000, what: "the database to be marked for the round trip" });
    await sleep(2000);

    const passed = await drill(p.id);
    expect(passed.status).toBe("passed");
    expect(passed.report.tables._borela_marker).toBeGreaterThan(0);
    expect(passed.report.rpoSeconds).toBeLessThan(4);

    agent.agent.supervisor!.kill();
    await sleep(6000);
    const failed = await drill(p.id);
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(/newest _borela_marker row is \d+s old \(threshold 4s\)/);
  }, 60_000);
});
