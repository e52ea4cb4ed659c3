// Issue 20 item 3, "who watches the watcher": a real core (1 s sweeps) pings BORELA_SELF_HEARTBEAT_URL,
// a receiver on loopback, after every completed sweep. A failing or hanging receiver costs one log line
// per streak (no URL secret in it), never a storm of pings and never a sweep. When the sweep loop stops
// (the sweeper's own stop(), the seam), the pings stop and /healthz turns 503 naming the stale sweep, until
// a peer's completed sweep shows in the shared store.
import http from "node:http";
import Sqlite from "better-sqlite3";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { databaseFile } from "../../src/store/db.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

const SECRET = "5f3c1b2a-check-uuid-0123456789ab";
type Mode = "ok" | "fail" | "hang";
let mode: Mode = "ok";
const pings: Array<{ at: number; path: string; method: string }> = [];
let receiver: http.Server;
let core: TestCore;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    pings.push({ at: Date.now(), path: req.url ?? "", method: req.method ?? "" });
    if (mode === "hang") return; // never answers: the core's 5 s timeout ends it
    res.writeHead(mode === "ok" ? 200 : 500).end(mode === "ok" ? "OK" : "down");
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_SELF_HEARTBEAT_URL: `http://127.0.0.1:${port}/ping/${SECRET}`, BORELA_LOG_LEVEL: "info" });
});
afterAll(async () => {
  await core?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

const health = () => core.api("GET", "/healthz?details=true", { token: null });
const logLines = (needle: string) => core.logs().split("\n").filter((l) => l.includes(needle));

describe("the core's self heartbeat and stale-sweep /healthz", () => {
  it("pings after sweeps, logs one line per failing streak, never storms, and goes quiet with 503 when sweeps stop", async () => {
    // Sweeps every second: pings arrive, GET on the configured path; /healthz reports the last sweep.
    await waitFor(() => pings.length >= 3, { timeoutMs: 10_000, what: "three pings" });
    expect(pings.every((p) => p.method === "GET" && p.path === `/ping/${SECRET}`)).toBe(true);
    const ok = await health();
    expect(ok.status).toBe(200);
    expect(Date.now() - Date.parse(ok.body.details.sweep.lastSweepAt)).toBeLessThan(3_000);
    expect(ok.body.details.sweep.staleAfterSeconds).toBe(10);
    expect((await core.store.setting.findUnique({ where: { key: "sweep:last-completed" } }))?.value).toBeTruthy();

    // The receiver fails, then hangs: one error line for the whole streak, the URL's path never logged.
    mode = "fail";
    await waitFor(() => logLines("self heartbeat").length >= 1, { timeoutMs: 5_000, what: "the failure line" });
    mode = "hang";
    const hangStart = pings.length;
    const hangFrom = Date.now();
    await sleep(7_000);
    // One ping at a time with a 5 s timeout: about one ping per 5 s while sweeps go on every second.
    const hung = pings.length - hangStart;
    expect(hung).toBeGreaterThanOrEqual(1);
    expect(hung).toBeLessThanOrEqual(Math.ceil((Date.now() - hangFrom) / 5_000) + 1);
    const during = await health();
    expect(during.status).toBe(200); // the sweep never waits for the ping
    expect(Date.now() - Date.parse(during.body.details.sweep.lastSweepAt)).toBeLessThan(3_000);
    mode = "ok";
    await waitFor(() => logLines("delivered again").length === 1, { timeoutMs: 10_000, what: "the recovery line" });
    const failed = logLines("self heartbeat to");
    expect(failed.filter((l) => l.includes("failed"))).toHaveLength(1);
    expect(failed[0]).toContain("http://127.0.0.1:");
    expect(core.logs()).not.toContain(SECRET);

    // The sweep loop stops: no ping after the last sweep's, /healthz 503 once 10 s passed without a sweep.
    await core.app.sweeper.stop();
    const stoppedAt = Date.now();
    await sleep(1_000); // the last sweep's ping may still be on its way
    const after = pings.length;
    const stale = await waitFor(
      async () => {
        const res = await health();
        return res.status === 503 ? res : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: "/healthz 503" },
    );
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(9_000);
    expect(pings.length).toBe(after);
    expect(stale.body).toMatchObject({ ok: false, error: "sweep_stale" });
    expect(stale.body.message).toMatch(/^no freshness sweep completed for 1\d s \(last at .+; limit 10 s\): the core answers but does not judge$/);
    expect(stale.body.message).toContain(stale.body.lastSweepAt);
    const plain = await core.api("GET", "/healthz", { token: null });
    expect(plain.status).toBe(503);
    expect(plain.body.details).toBeUndefined();

    // A peer on the same store completes a sweep (its mark in the Setting table): this core reports it, healthy.
    const peer = new Sqlite(databaseFile(core.config.dataDir));
    const peerAt = new Date();
    try {
      peer.prepare(`UPDATE "Setting" SET value = ? WHERE key = 'sweep:last-completed'`).run(peerAt.toISOString().replace("Z", "+00:00"));
    } finally {
      peer.close();
    }
    const healed = await health();
    expect(healed.status).toBe(200);
    expect(healed.body.details.sweep.lastSweepAt).toBe(peerAt.toISOString());
  }, 60_000);
});

describe("a sweep loop blocked by a held write lock", () => {
  let locked: TestCore;
  let raw: Sqlite.Database | null = null;
  const path = `/ping/${SECRET}-locked`;
  const mine = () => pings.filter((p) => p.path === path).length;
  beforeAll(async () => {
    mode = "ok";
    const { port } = receiver.address() as AddressInfo;
    locked = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_SELF_HEARTBEAT_URL: `http://127.0.0.1:${port}${path}`, BORELA_LOG_LEVEL: "warn" });
  });
  afterAll(async () => {
    if (raw?.inTransaction) raw.exec("ROLLBACK");
    raw?.close();
    await locked?.close();
  });

  it("no sweep completes while another connection holds the write lock: pings stop, /healthz 503; released, both come back", async () => {
    await locked.createProject("judged");
    await waitFor(() => mine() >= 2, { timeoutMs: 10_000, what: "pings from the second core" });
    raw = new Sqlite(databaseFile(locked.config.dataDir));
    raw.pragma("busy_timeout = 2000");
    // Synchronous, so no sweep runs between them: the project is due on every sweep, and no sweep can write.
    raw.exec(`UPDATE "Project" SET sweepAt = NULL`);
    raw.exec("BEGIN IMMEDIATE");
    const lockedAt = Date.now();
    await sleep(1_000);
    const before = mine();
    const stale = await waitFor(
      async () => {
        const res = await locked.api("GET", "/healthz", { token: null });
        return res.status === 503 ? res : null;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "/healthz 503 under the lock" },
    );
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(9_000);
    expect(stale.body.message).toMatch(/^no freshness sweep completed for 1\d s /);
    expect(mine()).toBe(before);
    // A lock held past the busy retry is a store that cannot be reached: one line when it begins (store/outage.ts).
    expect(locked.logs()).toContain("freshness sweep paused: the store cannot be reached");

    raw.exec("COMMIT");
    await waitFor(async () => (await locked.api("GET", "/healthz", { token: null })).status === 200, { timeoutMs: 15_000, what: "/healthz 200 after the lock" });
    await waitFor(() => mine() > before, { timeoutMs: 10_000, what: "pings again" });
    expect(locked.logs()).toContain("freshness sweep resumed: the store answers again");
  }, 60_000);
});
