// A pager alert closes where it was raised. PagerDuty's and Opsgenie's cloud
// APIs cannot run here: loopback receivers stand in for them (checking the
// paths and keys as the providers document them). The faults: after a PATCH
// of the channel's key (or host) mid-incident the resolve went to the new key
// with the same dedup key, so the alert raised under the old one stayed open;
// a channel deleted mid-incident never closed its alerts; and the delivery log
// showed the channel's current type and target, not what a delivery used.
// A real core on loopback (API, store, dispatcher); the store's raw SQLite file
// is read to prove the kept copies of targets are sealed.
import { existsSync, readFileSync } from "node:fs";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../../support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { databaseFile } from "../../../src/store/db.ts";
import { openIncident, resolveIncident } from "../../../src/incidents/open-resolve.ts";

const PD1 = "R0FIRSTKEY456789abcdef0123456789";
const PD2 = "R0SECONDKEY56789abcdef0123456789";
const OG1 = "eb243592-faa2-4ba2-a551-1afdf565c881";
const OG2 = "eb243592-faa2-4ba2-a551-1afdf565c882";
const TG = "123456789:AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg";

let core: TestCore;
let first: WebhookReceiver;
let second: WebhookReceiver;
beforeAll(async () => {
  core = await startTestCore({ BORELA_PUBLIC_URL: "https://borela.example.com" });
  first = await startWebhookReceiver();
  second = await startWebhookReceiver();
});
afterAll(async () => {
  await core?.close();
  await first?.close();
  await second?.close();
});

const base = (r: WebhookReceiver) => r.url.replace(/\/hook$/, "");
const bodies = (r: WebhookReceiver, from: number) => r.received.slice(from).map((x) => ({ path: x.path, auth: x.headers.authorization, body: JSON.parse(x.body || "{}") }));

/** A project with one channel, and an error incident opened and announced through the dispatcher. */
async function announced(name: string, type: string, target: string) {
  const p = await core.createProject(name);
  const ch = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type, target } });
  expect(ch.status, JSON.stringify(ch.body)).toBe(201);
  const { incident } = await openIncident(core.store, { projectId: p.id, databaseId: null, kind: "error", reason: "Litestream: access denied" }, new Date());
  await core.alerts.tick();
  return { project: p, channelId: ch.body.id as string, incidentId: incident!.id };
}

async function resolveAndSend(projectId: string) {
  await resolveIncident(core.store, { projectId, databaseId: null, kind: "error" }, new Date());
  for (let i = 0; i < 3; i++) await core.alerts.tick();
}

describe("a pager alert closes where it was raised", () => {
  it("PagerDuty: the routing key changed mid-incident, the resolve still goes to the key the trigger used", async () => {
    const from = first.received.length;
    const { project, channelId, incidentId } = await announced("pd-patched", "pagerduty", `${base(first)}/${PD1}`);
    const patched = await core.api("PATCH", `/api/v1/alert-channels/${channelId}`, { body: { target: `${base(first)}/${PD2}` } });
    expect(patched.status).toBe(200);
    await resolveAndSend(project.id);
    expect(bodies(first, from).map((r) => [r.path, r.body.event_action, r.body.routing_key, r.body.dedup_key])).toEqual([
      ["/v2/enqueue", "trigger", PD1, incidentId],
      ["/v2/enqueue", "resolve", PD1, incidentId],
    ]);
    const log = await core.api("GET", `/api/v1/incidents/${incidentId}/deliveries`);
    expect(log.body.map((d: { event: string; status: string; channel: { type: string; target: string } }) => [d.event, d.status, d.channel.type, d.channel.target])).toEqual([
      ["opened", "sent", "pagerduty", `${base(first)} key …6789`],
      ["resolved", "sent", "pagerduty", `${base(first)} key …6789`],
    ]);
  });

  it("Opsgenie: key and host changed mid-incident, the close goes to the old host with the old key", async () => {
    const from1 = first.received.length;
    const from2 = second.received.length;
    const { project, channelId, incidentId } = await announced("og-patched", "opsgenie", `${base(first)}/${OG1}`);
    expect((await core.api("PATCH", `/api/v1/alert-channels/${channelId}`, { body: { target: `${base(second)}/${OG2}` } })).status).toBe(200);
    await resolveAndSend(project.id);
    expect(bodies(first, from1).map((r) => [r.path, r.auth])).toEqual([
      ["/v2/alerts", `GenieKey ${OG1}`],
      [`/v2/alerts/${incidentId}/close?identifierType=alias`, `GenieKey ${OG1}`],
    ]);
    expect(second.received.length).toBe(from2);
  });

  it("a reminder after the key changed raised it under the new key too: the resolve closes both", async () => {
    const from = first.received.length;
    const { project, channelId, incidentId } = await announced("pd-both", "pagerduty", `${base(first)}/${PD1}`);
    expect((await core.api("PATCH", `/api/v1/alert-channels/${channelId}`, { body: { target: `${base(first)}/${PD2}` } })).status).toBe(200);
    // A reminder, as the dispatcher sends one a day later: the same dedup key, now at the new routing key.
    await core.store.delivery.create({ data: { id: `rem-${incidentId}`, incidentId, channelId, event: "reminder", dedupeKey: `${incidentId}:${channelId}:reminder:1`, status: "pending" } });
    await core.alerts.tick();
    await resolveAndSend(project.id);
    expect(bodies(first, from).map((r) => [r.body.event_action, r.body.routing_key])).toEqual([
      ["trigger", PD1],
      ["trigger", PD2],
      ["resolve", PD1],
      ["resolve", PD2],
    ]);
  });

  it("a pager channel deleted while its alert is open still sends the resolve, to where the trigger went", async () => {
    const from = first.received.length;
    const { channelId, incidentId } = await announced("pd-deleted", "pagerduty", `${base(first)}/${PD1}`);
    expect((await core.api("DELETE", `/api/v1/alert-channels/${channelId}`)).status).toBe(204);
    for (let i = 0; i < 2; i++) await core.alerts.tick();
    expect(bodies(first, from).map((r) => [r.body.event_action, r.body.routing_key, r.body.dedup_key])).toEqual([
      ["trigger", PD1, incidentId],
      ["resolve", PD1, incidentId],
    ]);
    const log = await core.api("GET", `/api/v1/incidents/${incidentId}/deliveries`);
    expect(log.body.map((d: { event: string; status: string; channel: { id: string | null; type: string } }) => [d.event, d.status, d.channel.id, d.channel.type])).toEqual([["resolved", "sent", null, "pagerduty"]]);
    // Nothing left to send: a later tick sends nothing more.
    await core.alerts.tick();
    expect(first.received.length - from).toBe(2);
  });

  it("the delivery log shows what each delivery used: a Telegram delivery stays Telegram after the channel became Slack", async () => {
    const { project, channelId, incidentId } = await announced("tg-to-slack", "telegram", `${base(first)}/${TG}/-100123`);
    expect((await core.api("PATCH", `/api/v1/alert-channels/${channelId}`, { body: { type: "slack", target: `${base(first)}/services/T0/B0/slackSecret123` } })).status).toBe(200);
    await resolveAndSend(project.id);
    const log = await core.api("GET", `/api/v1/incidents/${incidentId}/deliveries`);
    const rows = log.body.map((d: { event: string; channel: { type: string; target: string } }) => [d.event, d.channel.type, d.channel.target]);
    expect(rows[0]).toEqual(["opened", "telegram", `${base(first)} bot 123456789:…/chat -100123`]);
    expect(rows[1][0]).toBe("resolved");
    expect(rows[1][1]).toBe("slack");
    expect(JSON.stringify(log.body)).not.toContain("AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg");
  });

  it("the kept copies of pager targets are sealed at rest: no key in the SQLite file or its WAL", async () => {
    const file = databaseFile(core.config.dataDir);
    const raw = new Sqlite(file);
    try {
      raw.pragma("wal_checkpoint(TRUNCATE)");
      const kept = raw.prepare(`SELECT "sealedTarget" FROM "Delivery" WHERE "sealedTarget" IS NOT NULL`).all() as { sealedTarget: string }[];
      expect(kept.length).toBeGreaterThanOrEqual(4);
      for (const k of kept) expect(k.sealedTarget).toMatch(/^v1:/);
    } finally {
      raw.close();
    }
    for (const f of [file, `${file}-wal`].filter(existsSync)) {
      const bytes = readFileSync(f);
      for (const secret of [PD1, PD2, OG1, OG2, "AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg"]) expect(bytes.includes(secret), `${secret} in ${f}`).toBe(false);
    }
  });
});
