// Alert-channel targets: link-local (cloud metadata) is refused always; loopback and private addresses
// unless BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true; and the address is checked again when an alert is sent,
// so a target that resolves to a private address later (DNS rebinding) gets nothing.
import { afterEach, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../core/test/support/webhook-receiver.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { newId } from "../../core/src/store/ids.ts";

let core: TestCore | null = null;
let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await core?.close();
  await receiver?.close();
  core = null;
  receiver = null;
});

async function create(c: TestCore, target: string, type = "webhook") {
  return c.api("POST", "/api/v1/alert-channels", { body: { type, target } });
}

describe("alert-channel targets", () => {
  it("link-local is refused even when private targets are allowed", async () => {
    core = await startTestCore({ BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true" });
    for (const target of ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://[::ffff:169.254.169.254]/", "http://0xa9fea9fe/",
      // IPv4 embedded in other IPv6 forms (security tester, issue 13 follow-up): SIIT and 6to4.
      "http://[::ffff:0:169.254.169.254]/", "http://[2002:a9fe:a9fe::]/"]) {
      const res = await create(core, target, "slack");
      expect(res.status, target).toBe(400);
      expect(res.body.message).toMatch(/link-local/);
    }
    expect((await create(core, "http://127.0.0.1:9/hook")).status).toBe(201);
  });

  it("loopback and private addresses need BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true", async () => {
    core = await startTestCore({ BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "false" });
    for (const target of ["http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://10.0.0.5/hook", "http://[::1]:9/hook", "http://192.168.1.10/", "http://[::ffff:0:127.0.0.1]/"]) {
      const res = await create(core, target);
      expect(res.status, target).toBe(400);
      expect(res.body.message).toMatch(/BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true/);
    }
    expect((await create(core, "https://hooks.slack.com/services/T/B/x", "slack")).status).toBe(201);
  });

  it("at send time the resolved address is checked: a name that now points at loopback gets nothing", async () => {
    core = await startTestCore({ BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "false", BORELA_ALERT_CONFIRM_SECONDS: "0,stale=0,silent=0" });
    receiver = await startWebhookReceiver();
    const p = await core.createProject("sec-rebind");
    // Saved while the name pointed elsewhere (written to the store: the API would refuse it today).
    await core.store.alertChannel.create({ data: { id: newId(), projectId: p.id, type: "webhook", target: receiver.url.replace("127.0.0.1", "localhost"), secretEnc: null } });
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat({ errors: ["boom"] }) })).status).toBe(201);
    const deliveries = await waitFor(
      async () => {
        await core!.app.sweeper.idle();
        await core!.alerts.tick();
        const incidents = (await core!.api("GET", `/api/v1/projects/${p.id}/incidents`)).body as { id: string }[];
        if (!incidents.length) return null;
        const log = (await core!.api("GET", `/api/v1/incidents/${incidents[0].id}/deliveries`)).body as { status: string; lastError: string | null }[];
        return log.find((d) => d.status === "failed") ? log : null;
      },
      { timeoutMs: 20_000, what: "the refused delivery" },
    );
    expect(deliveries[0].lastError).toMatch(/refused: .*loopback or private/);
    expect(receiver.received).toHaveLength(0);
  });
});
