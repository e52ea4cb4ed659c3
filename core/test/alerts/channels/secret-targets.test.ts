// Targets that hold a secret (a chat webhook's path, a bot token, keys) through
// a real core on loopback: every place the API shows a channel's target (the
// channel routes, the project's "Will someone hear?", an incident's
// deliveries) shows the provider's display form, never the secret; a URL with
// user:password@ is refused with a 400 naming the target.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../../support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { PROVIDERS } from "../../../src/alerts/channels/registry.ts";
import { openTarget } from "../../../src/alerts/channels/sealed-target.ts";

let core: TestCore;
let receiver: WebhookReceiver;
beforeAll(async () => {
  core = await startTestCore({ BORELA_PUBLIC_URL: "https://borela.example.com", BORELA_ALERT_RETRY_SECONDS: "1" });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
});

const TG = "123456789:AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg";
const PO_APP = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const PO_USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const PD = "R0123456789abcdef0123456789abcde";
const OG = "eb243592-faa2-4ba2-a551-1afdf565c889";
const SLACK = "T0SLACKTEAM/B0SLACKBOT/slackSecretToken1234";
const DISCORD = "1234567890123/discordSecretToken_abcdef";
/** Parts of the targets that work as passwords: none may appear in an answer. */
const SECRETS = [TG.split(":")[1], PO_APP, PO_USER.slice(0, 26), PD.slice(0, 28), OG.slice(0, 30), "slackSecretToken", "SLACKBOT", "discordSecretToken", "mmSecretHook", "teamsSig", "hookSecretPath"];

describe("channel targets that hold a secret", () => {
  it("are shown in their display form by the channel routes, the project and the deliveries", async () => {
    const base = receiver.url.replace(/\/hook$/, "");
    const p = await core.createProject("secretive", { staleAfterSeconds: 60 });
    const cases: [string, string, string][] = [
      ["slack", `${base}/services/${SLACK}`, `${base}/services/T0…/…`],
      ["discord", `${base}/api/webhooks/${DISCORD}`, `${base}/api/webhooks/12…/…`],
      ["mattermost", `${base}/hooks/mmSecretHook`, `${base}/hooks/mm…`],
      ["teams", `${base}/workflows/abc/invoke?api-version=1&sig=teamsSig`, `${base}/wo…/…?…`],
      ["webhook", `${base}/hookSecretPath`, `${base}/ho…`],
      ["telegram", `${base}/${TG}/-100123`, `${base} bot 123456789:…/chat -100123`],
      ["pushover", `${base}/${PO_APP}/${PO_USER}`, `${base} app …${PO_APP.slice(-4)}/user …${PO_USER.slice(-4)}`],
      ["pagerduty", `${base}/${PD}`, `${base} key …${PD.slice(-4)}`],
      ["opsgenie", `${base}/${OG}`, `${base} key …${OG.slice(-4)}`],
      ["email", "ops@example.com", "ops@example.com"],
    ];
    for (const [type, target, shown] of cases) {
      const created = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type, target } });
      expect(created.status, `${type}: ${JSON.stringify(created.body)}`).toBe(201);
      expect(created.body.target, type).toBe(shown);
      expect((await core.api("GET", `/api/v1/alert-channels/${created.body.id}`)).body.target, type).toBe(shown);
    }
    // The stored target, once decrypted (sealed-target.ts), is the checked one: sending still needs the secret.
    const stored = await core.store.alertChannel.findMany({ where: { projectId: p.id }, orderBy: { id: "asc" } });
    expect(stored.map((r) => openTarget(core.app.secretKey, r.target)).sort()).toEqual(cases.map(([type, target]) => PROVIDERS[type as "slack"].checkTarget(target, true)).sort());

    const listed = await core.api("GET", `/api/v1/alert-channels?projectId=${p.id}`);
    const project = await core.api("GET", `/api/v1/projects/${p.id}`);
    expect(project.body.alerting.channels.map((c: { target: string }) => c.target).sort()).toEqual(cases.map(([, , shown]) => shown).sort());

    // An incident opens and is delivered to the receiver on loopback.
    await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() });
    await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat({ pendingSince: new Date(Date.now() - 120_000) }) });
    await core.app.sweeper.idle();
    await core.alerts.tick();
    const [incident] = (await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body as { id: string }[];
    const deliveries = await core.api("GET", `/api/v1/incidents/${incident.id}/deliveries`);
    // No SMTP server: the email channel gets no delivery.
    const chats = cases.filter(([type]) => type !== "email");
    expect(deliveries.body.map((d: { channel: { target: string } }) => d.channel.target).sort()).toEqual(chats.map(([, , shown]) => shown).sort());

    for (const answer of [listed.body, project.body, deliveries.body]) {
      const json = JSON.stringify(answer);
      for (const secret of SECRETS) expect(json, secret).not.toContain(secret);
    }
  });

  it.each([
    ["webhook", "https://user:hunter2@hooks.example.com/borela"],
    ["slack", "https://x:swordfish@hooks.slack.com/services/T0/B0/abc"],
    ["ntfy", "https://me:opensesame@ntfy.sh/borela"],
    ["telegram", `https://u:letmein@api.telegram.org/${TG}/-100123`],
  ])("a %s URL with user:password@ is refused with a 400 naming the target", async (type, target) => {
    const res = await core.api("POST", "/api/v1/alert-channels", { body: { type, target } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^target: credentials in the URL \(user:password@\) are not sent/);
    expect(res.body.message).not.toContain(target.split("@")[0].split(":")[2]);
  });
});
