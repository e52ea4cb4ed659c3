// Issue 20 items 2 and 4: alerts are delivered exactly once by three real core processes on one SQLite
// store (core-child.ts: startServer, as `borela serve` runs it), to a webhook receiver and a real SMTP server
// on loopback. A project goes silent and recovers N times: every opened and resolved message arrives once,
// counted by its identity (the webhook's Idempotency-Key, the email's Message-ID) and by raw requests.
// Then the core whose webhook request the receiver holds open is kill -9'd and the agent comes back at once
// (t7 F8: the incident resolves while the dead holder's lease runs): a survivor sends the held message once
// that 30 s lease ran out (not before, not much later), under the same identity with the very same body,
// and the resolution goes out under its own identity, so a receiver that dedupes by Idempotency-Key hears
// opened, then resolved. No row stays pending or sending, and that resend is the only raw duplicate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile } from "../../src/store/db.ts";
import { SEND_LEASE_MS } from "../../src/alerts/deliver.ts";
import { heartbeat } from "../support/core-server.ts";
import { adminApi, readRows } from "../support/admin-api.ts";
import { startCoreProcess, type CoreProcess as Core } from "../support/core-process.ts";
import { socketOwner } from "../support/socket-owner.ts";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { startHeldReceiver, type HeldHook, type HeldReceiver } from "../alerts/held-receiver.ts";

const ADMIN = "bradm_alert_delivery_processes";
const CYCLES = 3;
const TICK_MS = 2_000; // dispatcher.ts DEFAULT_TICK_MS

let dir: TmpDir;
let receiver: HeldReceiver;
let smtp: SmtpSink;
const cores: Core[] = [];

function startCore(name: string): Promise<Core> {
  return startCoreProcess(name, {
    BORELA_DATA_DIR: dir.path,
    BORELA_ADMIN_TOKEN: ADMIN,
    BORELA_SECRET_KEY: "alert-delivery-processes-secret-key-0123456789",
    BORELA_SWEEP_INTERVAL_SECONDS: "1",
    BORELA_ALERT_CONFIRM_SECONDS: "0",
    BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true",
    BORELA_ALERT_RETRY_SECONDS: "1",
    BORELA_SMTP_URL: smtp.url,
    BORELA_MAIL_FROM: "borela@test.local",
    // One address in front of all cores, as a user runs them.
    BORELA_PUBLIC_URL: "https://borela.example.com",
    BORELA_ALERT_EMAIL: "ops@example.com",
  }, { entry: "child" });
}

const api = adminApi(ADMIN);

function query<T>(sql: string, ...args: unknown[]): T[] {
  return readRows<T>(databaseFile(dir.path), sql, ...args);
}

/** The core whose socket has local port `port` on loopback. */
function senderOf(port: number): Core | null {
  const pid = socketOwner(port, cores.map((c) => c.child.pid!));
  return cores.find((c) => c.child.pid === pid) ?? null;
}

const identity = (h: HeldHook) => String(h.headers["idempotency-key"]);
const payload = (h: HeldHook) => JSON.parse(h.body) as { event: string; kind: string; idempotencyKey: string };
const silentHooks = (event: string) => receiver.received.filter((h) => payload(h).kind === "silent" && payload(h).event === event);
const distinct = (hooks: HeldHook[]) => new Set(hooks.map(identity)).size;

let sequence = 0;
/** An agent heartbeating every 500 ms through the live cores in turn until stop() (at most 5 minutes). */
function agentUp(agentToken: string): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running && i < 600; i++) {
      const alive = cores.filter((c) => c.alive());
      const res = await api(alive[sequence % alive.length], "POST", "/api/v1/heartbeats", heartbeat({ sequence: sequence++, agentId: "agent-1" }), agentToken);
      if (res.status !== 201) throw new Error(`heartbeat answered ${res.status}`);
      await sleep(500);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

beforeAll(async () => {
  dir = await tmpDir("borela-alert-processes-");
  receiver = await startHeldReceiver();
  smtp = await startSmtp();
});
afterAll(async () => {
  await Promise.all(cores.map((c) => c.kill9()));
  receiver?.release();
  await receiver?.close();
  await smtp?.close();
  await dir?.remove();
});

describe("three core processes delivering alerts from one store", () => {
  it("deliver each alert once by identity and by request; a kill -9 mid-send is taken over under the same identity, nothing left sending", async () => {
    cores.push(...(await Promise.all(["a", "b", "c"].map(startCore))));
    const project = (await api(cores[0], "POST", "/api/v1/projects", { name: "watched", heartbeatGraceSeconds: 3 })).body;
    expect((await api(cores[1], "POST", "/api/v1/alert-channels", { projectId: project.id, type: "webhook", target: receiver.url })).status).toBe(201);

    // N silences and recoveries, heartbeats through all three cores.
    for (let i = 1; i <= CYCLES; i++) {
      const agent = agentUp(project.agentToken);
      await sleep(1_500);
      if (i > 1) await waitFor(() => silentHooks("resolved").length >= i - 1 || null, { timeoutMs: 20_000, what: `resolved ${i - 1}` });
      await agent.stop();
      await waitFor(() => silentHooks("opened").length >= i || null, { timeoutMs: 20_000, what: `opened ${i}` });
    }
    let agent = agentUp(project.agentToken);
    await waitFor(() => silentHooks("resolved").length >= CYCLES || null, { timeoutMs: 20_000, what: `resolved ${CYCLES}` });
    await sleep(2 * TICK_MS); // any second send would have gone by now
    expect(silentHooks("opened")).toHaveLength(CYCLES);
    expect(silentHooks("resolved")).toHaveLength(CYCLES);
    expect(distinct(receiver.received)).toBe(receiver.received.length);
    expect(receiver.received.every((h) => payload(h).idempotencyKey === identity(h))).toBe(true);
    await waitFor(() => smtp.messages.length >= 2 * CYCLES || null, { timeoutMs: 10_000, what: "the alert emails" });
    const mails = smtp.messages.map((m) => m.messageId);
    expect(new Set(mails).size).toBe(mails.length);
    expect(mails.length).toBe(2 * CYCLES);

    // kill -9 the core whose webhook request is held open.
    const before = receiver.received.length;
    receiver.hold(true);
    await agent.stop();
    await sleep(5_000); // silent again: grace 3 s, then a sweep and a tick
    const inFlight = await waitFor(() => receiver.received[before] ?? null, { timeoutMs: 20_000, what: "the held opened" });
    expect(payload(inFlight)).toMatchObject({ kind: "silent", event: "opened" });
    const holder = senderOf(inFlight.remotePort);
    expect(holder).not.toBeNull();
    // Killed well inside its 10 s send timeout: the request reached the receiver, the answer never came back.
    receiver.hold(false);
    const killed = holder!.kill9();
    const killedAt = Date.now();
    await killed;
    // The silence ends while the dead holder's lease runs: the resolve is news of its own, not a new body for the held key.
    agent = agentUp(project.agentToken);
    const retry = await waitFor(() => receiver.received[before + 1] ?? null, { timeoutMs: SEND_LEASE_MS + 15_000, intervalMs: 100, what: "the survivor's resend" });
    const takeover = retry.at - killedAt;
    expect(takeover).toBeLessThanOrEqual(SEND_LEASE_MS + 2 * TICK_MS + 2_000);
    // Not before the dead holder's lease ran out (it was taken just before the request arrived).
    expect(retry.at - inFlight.at).toBeGreaterThanOrEqual(SEND_LEASE_MS - 2_000);
    expect(identity(retry)).toBe(identity(inFlight));
    // One identity, one message: byte for byte the body the dead core sent.
    expect(retry.body).toBe(inFlight.body);
    expect(senderOf(retry.remotePort)?.name ?? "closed").not.toBe(holder!.name);

    // Recovery after the crash: resolved once, under its own key; nothing pending or sending anywhere.
    await waitFor(() => silentHooks("resolved").length >= CYCLES + 1 || null, { timeoutMs: 20_000, what: "the last resolved" });
    await waitFor(() => smtp.messages.length >= 2 * CYCLES + 2 || null, { timeoutMs: 20_000, what: "the last emails" });
    await sleep(2 * TICK_MS);
    await agent.stop();
    const rows = query<{ status: string; attempts: number; event: string; channelId: string | null }>(`SELECT status, attempts, event, "channelId" FROM "Delivery"`);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    expect(rows).toHaveLength(4 * (CYCLES + 1));
    expect(rows.filter((r) => r.attempts === 2)).toHaveLength(1);

    // Raw duplicates: exactly the one the kill caused, under one identity.
    const byIdentity = new Map<string, number>();
    for (const h of receiver.received) byIdentity.set(identity(h), (byIdentity.get(identity(h)) ?? 0) + 1);
    expect([...byIdentity.entries()].filter(([, n]) => n > 1)).toEqual([[identity(inFlight), 2]]);
    const bodies = new Map<string, Set<string>>();
    for (const h of receiver.received) bodies.set(identity(h), (bodies.get(identity(h)) ?? new Set()).add(h.body));
    expect([...bodies.values()].every((b) => b.size === 1)).toBe(true);
    // What a receiver that keeps the first request of each Idempotency-Key hears: every opened, then its resolved.
    const kept = new Map<string, HeldHook>();
    for (const h of receiver.received) if (!kept.has(identity(h))) kept.set(identity(h), h);
    const heard = [...kept.values()].filter((h) => payload(h).kind === "silent").map((h) => payload(h).event);
    expect(heard).toEqual(Array.from({ length: CYCLES + 1 }, () => ["opened", "resolved"]).flat());
    expect(byIdentity.size).toBe(2 * (CYCLES + 1));
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);
    expect(smtp.messages).toHaveLength(2 * (CYCLES + 1));
    console.log(JSON.stringify({ requests: receiver.received.length, identities: byIdentity.size, emails: smtp.messages.length, takeoverMs: takeover }));
  }, 240_000);
});
