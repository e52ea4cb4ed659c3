// Channel targets that are credentials are encrypted in the core's SQLite file
// (sealed-target.ts): read raw with better-sqlite3 after a checkpoint, the file
// and its WAL hold none of them; the API shows none; alerts still reach a
// loopback receiver (a stand-in for Telegram's, PagerDuty's and Slack's cloud
// APIs, which cannot run here). A row written in plaintext by an older core is
// sealed once at the next start and still delivers.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import Sqlite from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../../support/core-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { waitFor } from "../../support/wait-for.ts";
import { startServer, type RunningServer } from "../../../src/server/start.ts";
import { databaseFile } from "../../../src/store/db.ts";
import { newId } from "../../../src/store/ids.ts";
import type { ChannelType } from "../../../src/alerts/channels/registry.ts";
import { isSealedTarget } from "../../../src/alerts/channels/sealed-target.ts";
import { sealChannelTargets } from "../../../src/store/seal-channel-targets.ts";

const TG_SECRET = "AAEhBOweik6ad6PsVMRxjeQKqOsUNfmBDgg";
const TG = `123456789:${TG_SECRET}`;
const PO_APP = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const PO_USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const PD = "R0123456789abcdef0123456789abcde";
const OG = "eb243592-faa2-4ba2-a551-1afdf565c889";
const SLACK = "T0SLACKTEAM/B0SLACKBOT/slackSecretToken1234";
const DISCORD_TOKEN = "discordSecretToken_abcdef";
const TEAMS_SIG = "teamsSigSecret0123456789";
const MM_HOOK = "mmSecretHook0123456789";
const HOOK_PATH = "hookSecretPath0123456789";
const HOOK_SIGNING = "webhook-signing-secret-0123";
const NTFY_TOPIC = "ntfySecretTopic0123456789";
const NTFY_TOKEN = "tk_ntfyAccessToken0123456789";
const GOTIFY_TOKEN = "AvKTNnF1Xy.3Eq8gotify";
const MATRIX_ROOM = "!RoomSecret0123:example.org";
const MATRIX_TOKEN = "syt_Ym9yZWxh_matrixAccessToken0123";

/** Every string that works as a password in the channels below: none may be in the file, the WAL or an answer. */
const SECRETS = [TG_SECRET, PO_APP, PO_USER, PD, OG, "slackSecretToken1234", "B0SLACKBOT", DISCORD_TOKEN, TEAMS_SIG, MM_HOOK, HOOK_PATH, HOOK_SIGNING, NTFY_TOPIC, NTFY_TOKEN, GOTIFY_TOKEN, MATRIX_TOKEN];
/** A Matrix room id is no password (the access token is): the API shows it, the file holds it sealed all the same. */
const AT_REST = [...SECRETS, MATRIX_ROOM];

function channels(base: string): { type: string; target: string; secret?: string }[] {
  return [
    { type: "telegram", target: `${base}/${TG}/-100123` },
    { type: "pushover", target: `${base}/${PO_APP}/${PO_USER}` },
    { type: "pagerduty", target: `${base}/${PD}` },
    { type: "opsgenie", target: `${base}/${OG}` },
    { type: "slack", target: `${base}/services/${SLACK}` },
    { type: "discord", target: `${base}/api/webhooks/1234567890123/${DISCORD_TOKEN}` },
    { type: "teams", target: `${base}/workflows/abc/invoke?api-version=1&sig=${TEAMS_SIG}` },
    { type: "mattermost", target: `${base}/hooks/${MM_HOOK}` },
    { type: "webhook", target: `${base}/${HOOK_PATH}`, secret: HOOK_SIGNING },
    { type: "ntfy", target: `${base}/${NTFY_TOPIC}`, secret: NTFY_TOKEN },
    { type: "gotify", target: `${base}/gotify/`, secret: GOTIFY_TOKEN },
    { type: "matrix", target: `${base}/${MATRIX_ROOM}`, secret: MATRIX_TOKEN },
  ];
}

/** The core's database file and its WAL after a checkpoint, as bytes (another connection: Prisma keeps its own open). */
function rawFiles(dataDir: string): { name: string; bytes: Buffer }[] {
  const file = databaseFile(dataDir);
  const raw = new Sqlite(file);
  try {
    const [result] = raw.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
    expect(result.busy, "checkpoint blocked").toBe(0);
  } finally {
    raw.close();
  }
  return [file, `${file}-wal`].filter(existsSync).map((f) => ({ name: path.basename(f), bytes: readFileSync(f) }));
}

function expectNoSecretIn(files: { name: string; bytes: Buffer }[], secrets: string[]): void {
  expect(files[0].bytes.length).toBeGreaterThan(4096);
  for (const { name, bytes } of files) for (const s of secrets) expect(bytes.includes(s), `${s} in ${name}`).toBe(false);
}

/** Opens a stale incident for the project (a change pending for 2 minutes, threshold 60 s). */
async function openIncident(core: Pick<TestCore, "api" | "app" | "alerts">, agentToken: string): Promise<void> {
  await core.api("POST", "/api/v1/heartbeats", { token: agentToken, body: heartbeat() });
  await core.api("POST", "/api/v1/heartbeats", { token: agentToken, body: heartbeat({ pendingSince: new Date(Date.now() - 120_000) }) });
  await core.app.sweeper.idle();
}

/** Ticks the dispatcher until the receiver has a request on each path (bounded: 15 s). */
async function deliveredTo(core: Pick<TestCore, "alerts">, receiver: WebhookReceiver, paths: string[]): Promise<void> {
  await waitFor(
    async () => {
      await core.alerts.tick();
      return paths.every((p) => receiver.received.some((r) => r.path === p));
    },
    { timeoutMs: 15_000, intervalMs: 200, what: `requests on ${paths.join(", ")}; got ${receiver.received.map((r) => r.path).join(", ")}` },
  );
}

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.close();
});
afterAll(async () => {
  for (const s of started.splice(0).reverse()) await s.close();
});

describe("channel targets at rest", () => {
  it("no secret of any channel type is in the SQLite file or its WAL, nor in an API answer; alerts still arrive", async () => {
    const receiver = await startWebhookReceiver();
    started.push(receiver);
    const core = await startTestCore({ BORELA_ALERT_RETRY_SECONDS: "1" });
    started.push(core);
    const base = receiver.url.replace(/\/hook$/, "");
    const p = await core.createProject("sealed", { staleAfterSeconds: 60 });
    const answers: unknown[] = [];
    for (const c of channels(base)) {
      const created = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, ...c } });
      expect(created.status, `${c.type}: ${JSON.stringify(created.body)}`).toBe(201);
      answers.push(created.body, (await core.api("GET", `/api/v1/alert-channels/${created.body.id}`)).body);
    }
    const email = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type: "email", target: "ops@example.com" } });
    expect(email.status).toBe(201);

    const rows = await core.store.alertChannel.findMany({ where: { projectId: p.id } });
    expect(rows.filter((r) => isSealedTarget(r.target)).map((r) => r.type).sort()).toEqual(channels(base).map((c) => c.type).sort());
    // Email addresses are not secrets: the digest and the operator read them as they are.
    expect(rows.find((r) => r.type === "email")!.target).toBe("ops@example.com");

    await openIncident(core, p.agentToken);
    await deliveredTo(core, receiver, [`/bot${TG}/sendMessage`, `/services/${SLACK}`, "/v2/enqueue"]);
    const pager = receiver.received.find((r) => r.path === "/v2/enqueue")!;
    expect(JSON.parse(pager.body)).toMatchObject({ routing_key: PD, event_action: "trigger" });
    expect(JSON.parse(receiver.received.find((r) => r.path === `/bot${TG}/sendMessage`)!.body).chat_id).toBe("-100123");

    const [incident] = (await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body as { id: string }[];
    answers.push(
      (await core.api("GET", `/api/v1/alert-channels?projectId=${p.id}`)).body,
      (await core.api("GET", `/api/v1/projects/${p.id}`)).body,
      (await core.api("GET", `/api/v1/incidents/${incident.id}/deliveries`)).body,
    );
    const json = JSON.stringify(answers);
    expect(json).toContain("ops@example.com");
    for (const s of SECRETS) expect(json, s).not.toContain(s);
    for (const s of SECRETS) expect(core.logs(), s).not.toContain(s);

    expectNoSecretIn(rawFiles(core.config.dataDir), AT_REST);
  });

  it("a plaintext row an older core wrote is sealed once at start (a second pass changes nothing) and still delivers", async () => {
    const receiver = await startWebhookReceiver();
    started.push(receiver);
    const dataDir = mkdtempSync(path.join(tmpdir(), "borela-sealed-"));
    started.push({ close: async () => rmSync(dataDir, { recursive: true, force: true }) });
    const base = receiver.url.replace(/\/hook$/, "");
    let logs = "";
    const start = async () => {
      const logStream = new PassThrough();
      logStream.on("data", (chunk) => (logs += chunk.toString()));
      const server = await startServer({
        env: { BORELA_ADMIN_TOKEN: "bradm_test_sealed_upgrade", BORELA_LOG_LEVEL: "debug", BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true", BORELA_ALERT_RETRY_SECONDS: "1" },
        dataDir,
        host: "127.0.0.1",
        port: 0,
        logStream,
      });
      started.push(server);
      return server;
    };
    const api = async (server: RunningServer, method: string, url: string, body?: unknown) => {
      const res = await fetch(server.url + url, {
        method,
        headers: { authorization: "Bearer bradm_test_sealed_upgrade", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    // The older core: its rows hold the checked target as it is (what POST stored before targets were sealed).
    const old = await start();
    const project = (await api(old, "POST", "/api/v1/projects", { name: "upgraded", staleAfterSeconds: 60 })).body;
    const plain: { type: ChannelType; target: string }[] = [
      { type: "telegram", target: `${base}/${TG}/-100123` },
      { type: "pagerduty", target: `${base}/${PD}` },
      { type: "slack", target: `${base}/services/${SLACK}` },
    ];
    for (const c of plain) await old.store.alertChannel.create({ data: { id: newId(), projectId: project.id, type: c.type, target: c.target } });
    // Room on the rows' page (rows an admin removed): the sealed rows are written there, and the plaintext
    // cells they replace are freed in place, where SQLite keeps their bytes unless secure_delete zeroes them.
    const spare = Array.from({ length: 12 }, (_, i) => ({ id: newId(), projectId: project.id, type: "email" as const, target: `removed-${i}-${"x".repeat(200)}@example.com` }));
    await old.store.alertChannel.createMany({ data: spare });
    await old.store.alertChannel.deleteMany({ where: { id: { in: spare.map((r) => r.id) } } });
    await old.store.alertChannel.create({ data: { id: newId(), projectId: project.id, type: "email", target: "ops@example.com" } });
    expect(rawFiles(dataDir).some((f) => f.bytes.includes(TG_SECRET)), "the older core's file holds the token").toBe(true);
    await old.close();
    started.splice(started.indexOf(old), 1);

    const upgraded = await start();
    expect(logs).toMatch(/"channels":3,.*alert channel targets encrypted at rest \(one-time upgrade\)/);
    expect(logs).not.toContain("VACUUM after encrypting");
    const sealed = await upgraded.store.alertChannel.findMany({ where: { projectId: project.id }, orderBy: { id: "asc" } });
    expect(sealed.filter((r) => isSealedTarget(r.target)).map((r) => r.type).sort()).toEqual(["pagerduty", "slack", "telegram"]);
    expectNoSecretIn(rawFiles(dataDir), [TG_SECRET, PD, "slackSecretToken1234"]);
    // Idempotent: nothing left to seal, the sealed rows unchanged.
    expect(await sealChannelTargets(upgraded.store, upgraded.app.secretKey)).toBe(0);
    expect(await upgraded.store.alertChannel.findMany({ where: { projectId: project.id }, orderBy: { id: "asc" } })).toEqual(sealed);

    const listed = await api(upgraded, "GET", `/api/v1/alert-channels?projectId=${project.id}`);
    expect(listed.body.map((c: { target: string }) => c.target).sort()).toEqual([`${base} bot 123456789:…/chat -100123`, `${base} key …${PD.slice(-4)}`, `${base}/services/T0…/…`, "ops@example.com"].sort());
    for (const s of [TG_SECRET, PD, "slackSecretToken1234"]) expect(JSON.stringify(listed.body)).not.toContain(s);

    const agentToken = project.agentToken as string;
    await openIncident({ api: (method, url, options = {}) => agentApi(upgraded, method, url, options), app: upgraded.app, alerts: upgraded.alerts }, agentToken);
    await deliveredTo(upgraded, receiver, [`/bot${TG}/sendMessage`, `/services/${SLACK}`, "/v2/enqueue"]);
    expect(JSON.parse(receiver.received.find((r) => r.path === "/v2/enqueue")!.body)).toMatchObject({ routing_key: PD, event_action: "trigger" });
    for (const s of [TG_SECRET, PD, "slackSecretToken1234"]) expect(logs, s).not.toContain(s);
  });
});

/** TestCore["api"] for a server started here: the token given, or none. */
async function agentApi(server: RunningServer, method: string, url: string, options: { body?: unknown; token?: string | null }) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(server.url + url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any, headers: res.headers };
}
