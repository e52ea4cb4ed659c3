// "SILENT lasted 18s" when the agent was down for about 2 minutes: the old
// figure ran from the incident's opening (a grace after the last heartbeat) to
// its resolve. Compressed: a real agent running real Litestream is stopped for
// 30 s with an 8 s heartbeat grace, then started again. The email and the
// webhook must say how long the agent was really silent: from its last
// heartbeat before the stop to its first after the restart, within 2 s.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../core/src/store/ids.ts";
import { formatTime } from "../../core/src/alerts/message.ts";
import { startSmtp, type SmtpSink } from "../../core/test/support/smtp.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../core/test/support/webhook-receiver.ts";
import { sleep, waitFor } from "../../core/test/support/wait-for.ts";
import { createDatabase } from "../../core/test/litestream/live.ts";
import { runAgent, startHarness, waitForStatus, type Harness, type TestAgent } from "../../core/test/agent/harness.ts";

const GRACE_SECONDS = 8;
const SILENCE_SECONDS = 30;

let smtp: SmtpSink;
let hook: WebhookReceiver;
let h: Harness;
let agent: TestAgent | null = null;

beforeAll(async () => {
  smtp = await startSmtp();
  hook = await startWebhookReceiver();
  h = await startHarness({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com", BORELA_PUBLIC_URL: "https://borela.example.com" });
});

afterAll(async () => {
  await agent?.stop();
  await h?.close();
  await hook?.close();
  await smtp?.close();
});

describe("how long a silence lasted", () => {
  it(`an agent stopped for ${SILENCE_SECONDS} s (grace ${GRACE_SECONDS} s): the alerts say the real silence, not the time past the grace`, async () => {
    const p = await h.core.createProject("hush", { heartbeatGraceSeconds: GRACE_SECONDS, staleAfterSeconds: 600 });
    // A passing drill on record, so the project's first automatic drill stays out of this story.
    const drilledAt = new Date(Date.now() - 3_600_000);
    await h.core.store.drill.create({ data: { id: newId(), projectId: p.id, status: "passed", queuedAt: drilledAt, finishedAt: drilledAt } });
    expect((await h.core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "webhook", target: hook.url } })).status).toBe(201);
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    const replicaUrl = `file://${path.join(h.dir.path, "replica")}`;
    createDatabase(dbPath, 20);
    const start = () => runAgent({ server: h.core.url, token: p.agentToken, databases: [dbPath], replicaUrl, dir: h.dir.path, intervalSeconds: 1 });
    agent = await start();
    await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => (d.databases[0]?.replicas[0]?.storageBytes ?? 0) > 0);

    await agent.stop();
    agent = null;
    const stoppedAt = new Date();
    const lastBefore = (await h.core.store.heartbeat.findFirst({ where: { projectId: p.id }, orderBy: { receivedAt: "desc" } }))!.receivedAt;
    const opened = await waitFor(() => smtp.messages.find((m) => m.subject?.startsWith("[Borela] SILENT: hush ")), { timeoutMs: 30_000, what: "the SILENT email" });
    const openedAfter = Number(/no heartbeat for (\d+)s$/.exec(opened.subject!)?.[1]);
    expect(openedAfter).toBeGreaterThanOrEqual(GRACE_SECONDS);
    expect(openedAfter).toBeLessThanOrEqual(GRACE_SECONDS + 4);
    expect(opened.text!.split("\n")[0]).toBe(`hush: the agent is silent: no heartbeat since ${formatTime(lastBefore)} (${openedAfter}s ago).`);

    await sleep(Math.max(0, SILENCE_SECONDS * 1000 - (Date.now() - stoppedAt.getTime())));
    agent = await start();
    const resolved = await waitFor(() => smtp.messages.find((m) => m.subject?.startsWith("[Borela] RESOLVED: hush ")), { timeoutMs: 30_000, what: "the RESOLVED email" });
    const firstAfter = (await h.core.store.heartbeat.findFirst({ where: { projectId: p.id, receivedAt: { gt: stoppedAt } }, orderBy: { receivedAt: "asc" } }))!.receivedAt;
    const silence = (firstAfter.getTime() - lastBefore.getTime()) / 1000;
    const said = Number(/agent heard from again after (\d+)s of silence$/.exec(resolved.subject!)?.[1]);
    console.info(`silence-lasted: real silence ${silence.toFixed(1)} s, the email says ${said} s (opened at ${openedAfter} s)`);
    expect(Math.abs(said - silence)).toBeLessThanOrEqual(2);
    expect(resolved.text!.split("\n")[0]).toBe(`hush: the agent is heard from again after ${said}s of silence.`);
    expect(resolved.text).toContain(`Last heartbeat: ${formatTime(lastBefore)}`);
    expect(resolved.text).toMatch(new RegExp(`Heard from again: .* \\(lasted ${said}s\\)`));

    // The webhook says the same, in numbers.
    await waitFor(() => hook.received.length >= 2, { timeoutMs: 10_000, what: "the opened and resolved webhooks" });
    const [hookOpened, hookResolved] = hook.received.map((r) => JSON.parse(r.body));
    expect(hookOpened).toMatchObject({ event: "opened", kind: "silent", startedAt: lastBefore.toISOString() });
    expect(hookResolved).toMatchObject({ event: "resolved", kind: "silent", startedAt: lastBefore.toISOString(), subject: resolved.subject });
    expect(Math.abs(hookResolved.durationSeconds - silence)).toBeLessThanOrEqual(2);
    expect(smtp.messages.filter((m) => m.subject?.includes(" hush "))).toHaveLength(2);
  });
});
