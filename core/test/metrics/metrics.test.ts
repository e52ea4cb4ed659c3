// GET /metrics against a real core: a real Litestream replica, heartbeats
// through the API and a real drill; the gauges must follow what happened.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, postDatabaseHeartbeat, replicate, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "../drills/fixtures.ts";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { grafanaMetricNames, sampledNames, sampleValue } from "./scrape-text.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";
import { reclaimExpired } from "../../src/drills/leases.ts";
import { newId } from "../../src/store/ids.ts";
import { readReplica } from "../../src/litestream/replica-reader.ts";

const METRICS_TOKEN = "brmet_test_scrape_token_0123456789";
let core: TestCore;
let tmp: TmpDir;
let receiver: WebhookReceiver;
beforeAll(async () => {
  core = await startTestCore({ BORELA_METRICS_TOKEN: METRICS_TOKEN, BORELA_ALERT_RETRY_SECONDS: "1" });
  tmp = await tmpDir("borela-metrics-");
  // The first webhook attempt is refused, the retry accepted: one failed and one sent delivery.
  receiver = await startWebhookReceiver([500]);
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
  await tmp?.remove();
});

async function scrape(token: string | null = METRICS_TOKEN) {
  const res = await fetch(`${core.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

/** A heartbeat as an agent sends it after a snapshot: the replica's own position, waiting since `pendingSince` (null: caught up). */
async function heartbeat(token: string, file: string, replicaDir: string, pendingSince: Date | null, storageBytes: number) {
  const now = new Date().toISOString();
  const { position } = await readReplica({ type: "file", path: replicaDir });
  const res = await postDatabaseHeartbeat(core, token, now, {
    path: file,
    position,
    changedAt: pendingSince?.toISOString() ?? null,
    replicas: [{ type: "file", url: `file://${replicaDir}`, position, pendingSince: pendingSince?.toISOString() ?? null, lastSnapshotAt: now, storageBytes }],
  });
  expect(res.status).toBe(201);
  await core.app.sweeper.idle();
}

describe("GET /metrics", () => {
  it("refuses a scrape without a token or with a wrong one, and takes the metrics token and the admin token", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape("brmet_wrong_token_0123456789")).status).toBe(401);
    const withMetrics = await scrape();
    expect(withMetrics.status).toBe(200);
    expect(withMetrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(withMetrics.text).toMatch(/^process_cpu_user_seconds_total /m);
    const withAdmin = await scrape(core.adminToken);
    expect(withAdmin.status).toBe(200);
    // The metrics token opens /metrics only.
    expect((await core.api("GET", "/api/v1/projects", { token: METRICS_TOKEN })).status).toBe(401);
  });

  it("follows a project through a heartbeat, a replication lag and a drill", async () => {
    const dir = path.join(tmp.path, "shop");
    const file = seededDatabase(dir);
    const replicaDir = path.join(dir, "replica");
    const url = `file://${replicaDir}`;
    const project = await core.createProject("shop");
    const shop = { project: "shop" };
    const db = { project: "shop", database: "app" };

    let m = (await scrape()).text;
    expect(sampleValue(m, "borela_project_status", { ...shop, status: "unknown" })).toBe(1);
    expect(sampleValue(m, "borela_project_status", { ...shop, status: "fresh" })).toBe(0);
    expect(sampleValue(m, "borela_database_replication_lag_seconds", db)).toBeUndefined();
    expect(sampleValue(m, "borela_drill_last_success_timestamp_seconds", db)).toBeUndefined();
    const heartbeatsBefore = sampleValue(m, "borela_heartbeats_received_total")!;
    const passedBefore = sampleValue(m, "borela_drills_finished_total", { result: "passed" })!;

    await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 5, 20)]);
    await reportDatabase(core, project.agentToken, file, url, tableCounts(file));
    m = (await scrape()).text;
    expect(sampleValue(m, "borela_project_status", { ...shop, status: "unknown" })).toBe(1);
    expect(sampleValue(m, "borela_heartbeats_received_total")).toBe(heartbeatsBefore + 1);
    await heartbeat(project.agentToken, file, replicaDir, null, 65_536);
    m = (await scrape()).text;
    expect(sampleValue(m, "borela_project_status", { ...shop, status: "fresh" })).toBe(1);
    expect(sampleValue(m, "borela_project_status", { ...shop, status: "unknown" })).toBe(0);
    expect(sampleValue(m, "borela_database_status", { ...db, status: "fresh" })).toBe(1);
    expect(sampleValue(m, "borela_database_replication_lag_seconds", db)).toBe(0);
    expect(sampleValue(m, "borela_database_heartbeat_age_seconds", db)).toBeLessThan(30);
    expect(sampleValue(m, "borela_project_open_incidents", shop)).toBe(0);
    expect(sampleValue(m, "borela_database_storage_bytes", db)).toBe(65_536);
    expect(sampleValue(m, "borela_heartbeats_received_total")).toBe(heartbeatsBefore + 2);

    const queued = await runDrillNow(core, project.id);
    // The embedded queue may be busy with a drill the first snapshot scheduled: wait for ours to finish.
    const drill = await waitFor(async () => {
      await core.app.drills.tick();
      const d = (await core.api("GET", `/api/v1/drills/${queued.id}`)).body;
      return d.finishedAt ? d : null;
    }, { timeoutMs: 60_000, intervalMs: 250, what: "the drill to finish" });
    const drills = await core.store.drill.findMany({ where: { projectId: project.id }, select: { id: true, status: true, trigger: true } });
    // The first snapshot scheduled a drill of its own ("first"): both count.
    expect(drills.map((d) => d.trigger).sort()).toEqual(["first", "manual"]);
    expect(drills.every((d) => d.status === "passed")).toBe(true);
    expect(drill.status).toBe("passed");
    m = (await scrape()).text;
    expect(sampleValue(m, "borela_drill_last_success_timestamp_seconds", db)).toBe(Date.parse(drill.finishedAt) / 1000);
    expect(sampleValue(m, "borela_drill_last_timestamp_seconds", db)).toBe(Date.parse(drill.finishedAt) / 1000);
    expect(sampleValue(m, "borela_drill_last_result", { ...db, result: "passed" })).toBe(1);
    expect(sampleValue(m, "borela_drill_last_result", { ...db, result: "failed" })).toBe(0);
    expect(sampleValue(m, "borela_drill_last_rto_seconds", db)).toBe(drill.report.restoreSeconds);
    expect(sampleValue(m, "borela_drill_last_rpo_seconds", db)).toBe(drill.report.rpoSeconds);
    expect(sampleValue(m, "borela_drills_finished_total", { result: "passed" })).toBe(passedBefore + 2);

    const channel = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: project.id, type: "webhook", target: receiver.url } });
    expect(channel.status).toBe(201);
    const sentBefore = sampleValue(m, "borela_alert_deliveries_total", { result: "sent" })!;
    const failedBefore = sampleValue(m, "borela_alert_deliveries_total", { result: "failed" })!;
    // A change waiting 400 s, past the project's 300 s threshold: stale, with the lag and an open incident.
    const pendingSince = new Date(Date.now() - 400_000);
    await heartbeat(project.agentToken, file, replicaDir, pendingSince, 123_456);
    const scrapedAt = Date.now();
    m = (await scrape()).text;
    expect(sampleValue(m, "borela_project_status", { ...shop, status: "stale" })).toBe(1);
    expect(sampleValue(m, "borela_project_status", { ...shop, status: "fresh" })).toBe(0);
    const lag = sampleValue(m, "borela_database_replication_lag_seconds", db)!;
    expect(lag).toBeGreaterThanOrEqual(400);
    expect(lag).toBeLessThanOrEqual((scrapedAt + 5_000 - pendingSince.getTime()) / 1000);
    expect(sampleValue(m, "borela_database_storage_bytes", db)).toBe(123_456);
    const open = await core.store.incident.count({ where: { projectId: project.id, resolvedAt: null } });
    expect(open).toBeGreaterThan(0);
    expect(sampleValue(m, "borela_project_open_incidents", shop)).toBe(open);
    await waitFor(async () => {
      await core.alerts.tick();
      return receiver.received.some((r) => r.status === 200);
    }, { timeoutMs: 20_000, intervalMs: 250, what: "the webhook's retry to be accepted" });
    m = (await scrape()).text;
    expect(receiver.received.map((r) => r.status)).toEqual([500, 200]);
    expect(sampleValue(m, "borela_alert_deliveries_total", { result: "failed" })).toBe(failedBefore + 1);
    expect(sampleValue(m, "borela_alert_deliveries_total", { result: "sent" })).toBe(sentBefore + 1);
    // The last success stays the drill's, whatever happened since.
    expect(sampleValue(m, "borela_drill_last_success_timestamp_seconds", db)).toBe(Date.parse(drill.finishedAt) / 1000);
  });

  it("shows a paused project as paused until its window's end, and 0 with no end once it resumes", async () => {
    const held = await core.createProject("held");
    const resumed = await core.createProject("resumed");
    const until = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000);
    for (const p of [held, resumed]) {
      const res = await core.api("POST", `/api/v1/projects/${p.id}/pause`, { body: { until: until.toISOString(), reason: "migrating" } });
      expect(res.status).toBe(200);
    }
    expect((await core.api("DELETE", `/api/v1/projects/${resumed.id}/pause`)).status).toBe(200);
    const m = (await scrape()).text;
    expect(sampleValue(m, "borela_project_paused", { project: "held" })).toBe(1);
    expect(sampleValue(m, "borela_project_paused_until_timestamp_seconds", { project: "held" })).toBe(until.getTime() / 1000);
    expect(sampleValue(m, "borela_project_paused", { project: "resumed" })).toBe(0);
    expect(sampleValue(m, "borela_project_paused_until_timestamp_seconds", { project: "resumed" })).toBeUndefined();
    // The reason is free text an admin typed: not a label.
    expect(m).not.toContain("migrating");
  });

  // After the flows above, so drills, heartbeats and a pause still on have left samples of every gauge.
  it("has samples of every metric the Grafana dashboard queries", async () => {
    const file = fileURLToPath(new URL("../../../integrations/grafana/borela.json", import.meta.url));
    const queried = grafanaMetricNames(JSON.parse(readFileSync(file, "utf8")));
    expect(queried).toEqual(expect.arrayContaining(["borela_project_status", "borela_database_replication_lag_seconds", "borela_drill_last_success_timestamp_seconds", "borela_project_open_incidents"]));
    const sampled = sampledNames((await scrape()).text);
    expect(queried.filter((name) => !sampled.has(name))).toEqual([]);
  });

  it("counts a drill the core gave up on (its worker stopped three times) as an error, and shows it as the last result", async () => {
    const project = await core.createProject("abandoned");
    const database = await core.store.database.create({ data: { id: newId(), projectId: project.id, name: "app", path: "/data/app.sqlite3" } });
    const before = sampleValue((await scrape()).text, "borela_drills_finished_total", { result: "error" })!;
    const id = newId();
    await core.store.drill.create({
      data: { id, projectId: project.id, databaseId: database.id, databaseName: "app", status: "running", workerId: "gone", attempts: 3, startedAt: new Date(Date.now() - 120_000), leaseUntil: new Date(Date.now() - 60_000) },
    });
    expect(await reclaimExpired(core.store, core.config.drillDir)).toContain(id);
    const m = (await scrape()).text;
    const db = { project: "abandoned", database: "app" };
    expect(sampleValue(m, "borela_drills_finished_total", { result: "error" })).toBe(before + 1);
    expect(sampleValue(m, "borela_drill_last_result", { ...db, result: "error" })).toBe(1);
    expect(sampleValue(m, "borela_drill_last_result", { ...db, result: "passed" })).toBe(0);
    expect(sampleValue(m, "borela_drill_last_success_timestamp_seconds", db)).toBeUndefined();
  });
});
