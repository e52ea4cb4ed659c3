// /metrics at 10,000 projects: a scrape stays a few aggregate queries (no
// per-project query, no list of ids bound as parameters), so it answers whole
// and in time. Rows are inserted in bulk with SQL, as a long-lived core would hold them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { storeTime } from "../../src/store/time.ts";
import { sampleValue } from "./scrape-text.ts";

const PROJECTS = 10_000;
let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

async function seed(now: Date) {
  const at = storeTime(now);
  // Deadlines far ahead, so the sweeper and the drill scheduler leave these rows alone during the scrape.
  const later = storeTime(new Date(now.getTime() + 86_400_000));
  const drilledAt = storeTime(new Date(now.getTime() - 3_600_000));
  const series = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${PROJECTS})`;
  await core.store.$executeRawUnsafe(
    `${series} INSERT INTO "Project" ("id", "name", "drillSchedule", "badgeKey", "storagePrefix", "status", "lastHeartbeatAt", "updatedAt", "nextDrillAt", "drillOverdueAt", "sweepAt")
     SELECT 'p' || i, 'bulk-' || i, '0 3 * * *', 'badge' || i, 'prefix-' || i, CASE WHEN i % 10 = 0 THEN 'stale' ELSE 'fresh' END, ?, ?, ?, ?, ? FROM n`,
    at,
    at,
    later,
    later,
    later,
  );
  await core.store.$executeRawUnsafe(
    `${series} INSERT INTO "Database" ("id", "projectId", "name", "path", "status", "lastHeartbeatAt") SELECT 'd' || i, 'p' || i, 'app', '/data/app.sqlite3', 'fresh', ? FROM n`,
    at,
  );
  await core.store.$executeRawUnsafe(
    `${series} INSERT INTO "Drill" ("id", "projectId", "databaseId", "databaseName", "status", "finishedAt", "report")
     SELECT 'x' || i, 'p' || i, 'd' || i, 'app', 'passed', ?, '{"restoreSeconds":0.25,"rpoSeconds":2}' FROM n`,
    drilledAt,
  );
}

describe("GET /metrics at 10,000 projects", () => {
  it("answers every project in one scrape, within a few seconds", { timeout: 120_000 }, async () => {
    const now = new Date();
    await seed(now);
    const started = performance.now();
    const res = await core.api("GET", "/metrics");
    const ms = performance.now() - started;
    expect(res.status).toBe(200);
    const text: string = res.body;
    const statusLines = text.split("\n").filter((l) => l.startsWith("borela_project_status{") && l.includes('project="bulk-'));
    expect(statusLines).toHaveLength(PROJECTS * 5);
    expect(statusLines.filter((l) => l.includes('status="stale"') && l.endsWith(" 1"))).toHaveLength(PROJECTS / 10);
    expect(sampleValue(text, "borela_drill_last_success_timestamp_seconds", { project: "bulk-9999", database: "app" })).toBe(Math.floor(now.getTime() / 1000) - 3600 + (now.getTime() % 1000) / 1000);
    expect(sampleValue(text, "borela_drill_last_rto_seconds", { project: "bulk-1", database: "app" })).toBe(0.25);
    console.log(`scrape of ${PROJECTS} projects: ${Math.round(ms)} ms, ${(text.length / 1e6).toFixed(1)} MB`);
    expect(ms).toBeLessThan(10_000);
  });
});
