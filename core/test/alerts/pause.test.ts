// A paused project through a real core, alerts to a real webhook receiver on
// loopback: verdicts and incidents go on while paused and nothing is sent; a
// pause that ends (DELETE, or its time passing) with the problem still there
// alerts exactly once; a problem that opened and closed inside the window is
// never told; a delivery claimed before the pause waits for its end. Stale
// verdicts come from heartbeats naming an old unreplicated change
// (staleAfterSeconds 60, the change 2 min old): no minutes of waiting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

let core: TestCore;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  core = await startTestCore({ BORELA_ALERT_RETRY_SECONDS: "1", BORELA_SWEEP_INTERVAL_SECONDS: "1" });
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
});

async function watched(name: string) {
  const p = await core.createProject(name, { staleAfterSeconds: 60 });
  const channel = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "webhook", target: `${receiver.url}/${name}` } });
  expect(channel.status).toBe(201);
  await beat(p.agentToken, heartbeat());
  return p;
}

async function beat(token: string, hb: ReturnType<typeof heartbeat>) {
  expect((await core.api("POST", "/api/v1/heartbeats", { token, body: hb })).status).toBe(201);
  await core.app.sweeper.idle();
  await core.alerts.tick();
}

/** A few alert passes, as the dispatcher would run them over a few seconds. */
async function passes(n = 3) {
  for (let i = 0; i < n; i++) await core.alerts.tick();
}

const hooksFor = (name: string) => receiver.received.filter((r) => r.path === `/hook/${name}`).map((r) => JSON.parse(r.body) as { event: string; kind: string });
const incidentsOf = async (id: string) => (await core.api("GET", `/api/v1/projects/${id}/incidents`)).body as { kind: string; open: boolean }[];
const goStale = (token: string) => beat(token, heartbeat({ pendingSince: new Date(Date.now() - 120_000) }));

async function pause(id: string, until: Date, reason?: string) {
  const res = await core.api("POST", `/api/v1/projects/${id}/pause`, { body: { until: until.toISOString(), ...(reason ? { reason } : {}) } });
  expect(res.status).toBe(200);
  return res.body;
}

describe("a paused project", () => {
  it("goes stale while paused: the incident is recorded, nothing sent; lifted with the problem present: exactly one alert", async () => {
    const p = await watched("maint-lift");
    await pause(p.id, new Date(Date.now() + 3_600_000), "migrating");
    await goStale(p.agentToken);
    await goStale(p.agentToken);
    await passes();
    const detail = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(detail.status).toBe("stale");
    expect(detail.statusReasons[0]).toMatch(/^paused until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC: migrating$/);
    expect(await incidentsOf(p.id)).toMatchObject([{ kind: "stale", open: true }]);
    await sleep(2500); // the dispatcher's own timer runs too
    expect(hooksFor("maint-lift")).toEqual([]);

    expect((await core.api("DELETE", `/api/v1/projects/${p.id}/pause`)).body.pausedUntil).toBeNull();
    await passes();
    await waitFor(() => hooksFor("maint-lift").length > 0, { timeoutMs: 10_000, intervalMs: 100, what: "the alert after the pause" });
    await sleep(2500);
    await passes();
    expect(hooksFor("maint-lift").map((h) => [h.event, h.kind])).toEqual([["opened", "stale"]]);

    // It resolves as any announced incident does: to the channel that heard it open.
    await beat(p.agentToken, heartbeat({ pendingSince: null }));
    await passes();
    await waitFor(() => hooksFor("maint-lift").length > 1, { timeoutMs: 10_000, intervalMs: 100, what: "the resolve notice" });
    expect(hooksFor("maint-lift").map((h) => h.event)).toEqual(["opened", "resolved"]);
  });

  it("a pause that ends by its time with the problem present alerts once", async () => {
    const p = await watched("maint-expire");
    const until = new Date(Date.now() + 3_000);
    await pause(p.id, until);
    await goStale(p.agentToken);
    await passes();
    expect(await incidentsOf(p.id)).toMatchObject([{ kind: "stale", open: true }]);
    expect(hooksFor("maint-expire")).toEqual([]);
    await sleep(Math.max(0, until.getTime() - Date.now()));
    // The window's end is the incident's next due time: the dispatcher's own timer plans it within a tick or two.
    await waitFor(() => hooksFor("maint-expire").length > 0, { timeoutMs: 10_000, intervalMs: 100, what: "the alert after the pause ran out" });
    await sleep(2500);
    await passes();
    expect(hooksFor("maint-expire").map((h) => [h.event, h.kind])).toEqual([["opened", "stale"]]);
    expect((await core.api("GET", `/api/v1/projects/${p.id}`)).body.pausedUntil).toBeNull();
  });

  it("a delivery claimed before the pause and failing is not retried until the window ends", async () => {
    const refusing = await startWebhookReceiver([500]);
    try {
      const p = await core.createProject("maint-retry", { staleAfterSeconds: 60 });
      expect((await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "webhook", target: refusing.url } })).status).toBe(201);
      await beat(p.agentToken, heartbeat());
      await goStale(p.agentToken);
      await waitFor(() => refusing.received.length > 0, { timeoutMs: 10_000, intervalMs: 50, what: "the first, refused attempt" });
      const until = new Date(Date.now() + 4_000);
      await pause(p.id, until);
      // BORELA_ALERT_RETRY_SECONDS=1: without the hold the retry would go out within a second or two.
      await sleep(Math.max(0, until.getTime() - Date.now() - 500));
      await passes();
      expect(refusing.received.map((r) => r.status)).toEqual([500]);
      await waitFor(() => refusing.received.length > 1, { timeoutMs: 10_000, intervalMs: 100, what: "the retry after the pause" });
      expect(refusing.received.map((r) => [r.status, JSON.parse(r.body).event])).toEqual([[500, "opened"], [200, "opened"]]);
    } finally {
      await refusing.close();
    }
  });

  it("a problem that opened and closed inside the window sends nothing, after the window either", async () => {
    const p = await watched("maint-quiet");
    const until = new Date(Date.now() + 4_000);
    await pause(p.id, until, "host move");
    await goStale(p.agentToken);
    await goStale(p.agentToken);
    await beat(p.agentToken, heartbeat({ pendingSince: null }));
    await passes();
    expect(await incidentsOf(p.id)).toMatchObject([{ kind: "stale", open: false }]);
    await sleep(Math.max(0, until.getTime() - Date.now()) + 2500);
    await passes();
    // And after a lift by DELETE of a second window: still nothing about it.
    await pause(p.id, new Date(Date.now() + 3_600_000));
    await core.api("DELETE", `/api/v1/projects/${p.id}/pause`);
    await sleep(2500);
    await passes();
    expect(hooksFor("maint-quiet")).toEqual([]);
    const [incident] = (await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body as { id: string }[];
    expect((await core.api("GET", `/api/v1/incidents/${incident.id}/deliveries`)).body).toEqual([]);
  });
});
