// The alert-channel routes through a real core on loopback for the new
// provider types: each is accepted with its own target (and secret) rules, a
// bad one is a 400 naming the field, and "send test" reaches a loopback
// receiver for every one of them without a secret reaching the logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../../support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";

let core: TestCore;
let receiver: WebhookReceiver;
beforeAll(async () => {
  core = await startTestCore({ BORELA_PUBLIC_URL: "https://borela.example.com" });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
});

const TG = "123456789:AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg";
const PO = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const PD = "R0123456789abcdef0123456789abcde";
const OG = "eb243592-faa2-4ba2-a551-1afdf565c889";

describe("new channel types", () => {
  it("each is created, and its test send reaches the receiver where the provider expects it", async () => {
    const base = receiver.url.replace(/\/hook$/, "");
    const p = await core.createProject("manychannels");
    const cases: [string, string, string | undefined, string[]][] = [
      ["teams", `${base}/teams`, undefined, ["POST /teams"]],
      ["telegram", `${base}/${TG}/-100123`, undefined, [`POST /bot${TG}/sendMessage`]],
      ["ntfy", `${base}/borela`, "tk_ntfy_token_0123456789", ["POST /"]],
      ["pushover", `${base}/${PO}/${PO.toLowerCase()}`, undefined, ["POST /1/messages.json"]],
      ["gotify", `${base}/`, "AvKTNnF1Xy.3Eq8", ["POST /message"]],
      ["matrix", `${base}/!room:example.org`, "syt_matrix_token_0123", ["PUT /_matrix/client/v3/rooms/!room%3Aexample.org/send/m.room.message/"]],
      ["mattermost", `${base}/hooks/abc`, undefined, ["POST /hooks/abc"]],
      ["pagerduty", `${base}/${PD}`, undefined, ["POST /v2/enqueue", "POST /v2/enqueue"]],
      ["opsgenie", `${base}/${OG}`, undefined, ["POST /v2/alerts", "POST /v2/alerts/"]],
    ];
    for (const [type, target, secret, requests] of cases) {
      const created = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type, target, ...(secret ? { secret } : {}) } });
      expect(created.status, `${type}: ${JSON.stringify(created.body)}`).toBe(201);
      expect(created.body).toMatchObject({ type, signed: !!secret });
      const before = receiver.received.length;
      const tested = await core.api("POST", `/api/v1/alert-channels/${created.body.id}/test`);
      expect(tested.body, type).toMatchObject({ ok: true });
      const seen = receiver.received.slice(before).map((r) => `${r.method} ${r.path}`);
      expect(seen.length, type).toBe(requests.length);
      requests.forEach((prefix, i) => expect(seen[i].startsWith(prefix), `${type}: ${seen[i]}`).toBe(true));
    }
    for (const secret of ["tk_ntfy_token_0123456789", "AvKTNnF1Xy.3Eq8", "syt_matrix_token_0123"]) expect(core.logs()).not.toContain(secret);
    expect(core.logs()).not.toContain(TG);
  });

  it.each([
    ["telegram without a chat id", { type: "telegram", target: TG }, "target must be <bot token>/<chat id> for a telegram channel"],
    ["telegram with a bad token", { type: "telegram", target: "12:ab/-100123" }, "target: the bot token (part 1 of 2) does not look like one"],
    ["pagerduty with a bad key", { type: "pagerduty", target: "nope-nope" }, "target: the integration key (part 1 of 1) does not look like one"],
    ["opsgenie with a bad key", { type: "opsgenie", target: "https://api.eu.opsgenie.com/123" }, "target: the API key (part 1 of 1) does not look like one"],
    ["pushover with one key", { type: "pushover", target: PO }, "target must be <application token>/<user key> for a pushover channel"],
    ["matrix without a room id", { type: "matrix", target: "https://matrix.example.org/", secret: "syt_matrix_token" }, "target must end with the room id"],
    ["matrix without its token", { type: "matrix", target: "https://matrix.example.org/!room:example.org" }, "secret is required for a matrix channel"],
    ["gotify without its token", { type: "gotify", target: "https://push.example.com" }, "secret is required for a gotify channel"],
    ["ntfy without a topic", { type: "ntfy", target: "https://ntfy.sh" }, "target must end with the topic name"],
    ["teams with no URL", { type: "teams", target: "teams channel" }, 'target "teams channel" is not a URL'],
    ["a secret on mattermost", { type: "mattermost", target: "https://chat.example.com/hooks/x", secret: "0123456789abcdef" }, "secret: mattermost channels take none"],
    ["a short webhook secret", { type: "webhook", target: "https://x.example.com", secret: "012345678" }, "secret must be at least 16 characters for a webhook channel"],
  ])("refuses %s with a 400 naming the field", async (_label, body, message) => {
    const res = await core.api("POST", "/api/v1/alert-channels", { body });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it("a private target is refused unless private targets are allowed", async () => {
    const strict = await startTestCore({ BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "false" });
    try {
      const res = await strict.api("POST", "/api/v1/alert-channels", { body: { type: "pagerduty", target: `http://127.0.0.1:9/${PD}` } });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain("BORELA_ALERT_ALLOW_PRIVATE_TARGETS");
    } finally {
      await strict.close();
    }
  });
});
