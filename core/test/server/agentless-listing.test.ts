// Agentless watching end to end (issue 16, item 8): an unmodified Litestream 0.5.16
// `replicate` with `heartbeat-url:` pointing at a real core, no Borela agent, and
// the replica directory stored as the project's replica (PATCH replicaUrl), which
// the core lists itself on its own timer. Time is compressed: staleAfter 15 s,
// listing and sweep every second; Litestream pings every minute (heartbeat-interval: 1m,
// its smallest, from the page's lines).
//   both signals good                       → fresh
//   the app goes idle, pings go on          → still fresh past staleAfter (an idle database writes no LTX file)
//   stored target an empty directory        → stale, naming the storage listing (wrong place)
//   Litestream stopped                      → silent after one interval + grace, naming the missing ping, with a silent incident
import type { ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { replicateToFile05 } from "../litestream/live-v5.ts";
import { createDatabase } from "../litestream/live.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { waitFor } from "../support/wait-for.ts";

const core = useTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LISTING_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" });
const tmp = useTmpDir("borela-agentless-");
let child: ChildProcess | null = null;
let writer: NodeJS.Timeout | null = null;
afterAll(async () => {
  if (writer) clearInterval(writer);
  child?.kill("SIGKILL");
});

interface Detail {
  status: string;
  statusReasons: string[];
  pingUrl: string;
  pingLine: string;
  signals: { agent: boolean; ping: boolean; storageListing: boolean };
  storageListing: { replicaUrl: string; newestLtxAt: string | null; listedAt: string | null; error: string | null } | null;
}
const detail = async (id: string) => (await core.api<Detail>("GET", `/api/v1/projects/${id}`)).body;
const until = (id: string, status: string, timeoutMs: number, what: () => string) =>
  waitFor(async () => {
    const d = await detail(id);
    return d.status === status ? d : null;
  }, { timeoutMs, intervalMs: 250, what: what() });

it("fresh on a real Litestream 0.5's pings and the core's own listing, idle too; stale on an empty replica directory; silent when Litestream stops", async () => {
  const started = Date.now();
  const p = await core.createProject("agentless", { staleAfterSeconds: 15, heartbeatGraceSeconds: 90 });
  const replica = path.join(tmp.path, "replica");
  const empty = path.join(tmp.path, "empty");

  // The stored target is checked like a drill's: outside BORELA_FILE_REPLICA_ROOTS or with inline keys, refused naming the field.
  const outside = await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl: "file:///var/lib/elsewhere" } });
  expect(outside.status).toBe(400);
  expect(outside.body.message).toMatch(/^replicaUrl: /);
  const inline = await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl: "s3://AKIA:secret@bucket/db" } });
  expect(inline.status).toBe(400);
  expect(inline.body.message).toMatch(/^replicaUrl: .*carries credentials/);
  expect(JSON.stringify(inline.body)).not.toContain("secret");
  mkdirSync(replica); // one that does not exist yet is listed as such (storage-listing.test.ts)
  expect((await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl: `file://${replica}` } })).status).toBe(200);

  // Listed before Litestream runs: no LTX file, and no ping yet: not fresh, and the page says what is missing.
  const before = await waitFor(async () => {
    const d = await detail(p.id);
    return d.storageListing?.listedAt ? d : null;
  }, { timeoutMs: 10_000, what: "the core's first listing" });
  expect(before.status).toBe("unknown");
  expect(before.statusReasons.join("\n")).toMatch(/no Litestream ping yet: .*set heartbeat-url/);
  expect(before.statusReasons.join("\n")).toMatch(/no Borela agent/);
  expect(before.signals).toEqual({ agent: false, ping: false, storageListing: true });
  expect(before.pingLine).toBe(`heartbeat-url: "${before.pingUrl}"\nheartbeat-interval: 1m`);

  // Litestream 0.5 with the page's line at the top level of its config; an app writing every half second.
  const db = path.join(tmp.path, "app.sqlite3");
  createDatabase(db, 5);
  // before.pingLine: heartbeat-url and heartbeat-interval: 1m (0.5.16's minimum; its monitor checks every 15 s)
  const live = replicateToFile05(tmp.path, db, replica, [before.pingLine]);
  child = live.child;
  const { lines } = live;
  const app = new Database(db);
  let n = 0;
  writer = setInterval(() => n < 400 && app.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('app', ?, ?)").run(`row ${n++}`, new Date().toISOString()), 500);

  const fresh = await until(p.id, "fresh", 40_000, () => `fresh on ping and listing (litestream: ${lines.join("").slice(-400)})`);
  const freshWords = fresh.statusReasons.join("\n");
  expect(freshWords).toMatch(/Litestream pinged \d+s ago: it runs and every database synced/);
  expect(freshWords).toContain(`storage listing: newest LTX file written`);
  expect(freshWords).toContain(`on file://${replica}`);
  expect(fresh.signals).toEqual({ agent: false, ping: true, storageListing: true });

  // The app goes idle; Litestream keeps running and pinging. No LTX file is written, yet past staleAfter (15 s) it stays fresh:
  // without an agent nothing tells idle from frozen, so the listing reports the age and does not judge it.
  clearInterval(writer);
  app.close();
  const idleSince = Date.now();
  const seen = new Set<string>();
  const idle = await waitFor(async () => {
    const d = await detail(p.id);
    seen.add(d.status);
    const newest = d.storageListing?.newestLtxAt ? Date.parse(d.storageListing.newestLtxAt) : Date.now();
    return Date.now() - idleSince > 20_000 && Date.now() - newest > 20_000 ? d : null;
  }, { timeoutMs: 60_000, intervalMs: 500, what: "fresh with the newest LTX file older than staleAfter" });
  expect([...seen]).toEqual(["fresh"]);
  expect(idle.status).toBe("fresh");
  expect(idle.statusReasons.join("\n")).toMatch(/storage listing: newest LTX file written \d+s ago on file:\/\/.* \(an idle database writes none; without an agent nothing compares it with the database\)/);

  // Pings go on, but the stored target is now an empty directory (the wrong place): stale, naming the listing.
  mkdirSync(empty);
  expect((await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl: `file://${empty}` } })).status).toBe(200);
  const stale = await until(p.id, "stale", 20_000, () => "stale on an empty replica directory");
  expect(stale.statusReasons[0]).toBe(`storage listing: no LTX file on file://${empty}: is it the replica litestream.yml writes to?`);
  expect(stale.statusReasons.join("\n")).toMatch(/Litestream pinged \d+s ago/);
  const incidents = async () => (await core.api<{ kind: string; reason: string; resolvedAt: string | null }[]>("GET", `/api/v1/projects/${p.id}/incidents?open=true`)).body;
  expect((await incidents()).map((i) => i.kind)).toContain("stale");
  expect(child.exitCode).toBeNull(); // Litestream kept running all along

  // Litestream stops: no more pings. The grace is shortened to 5 s (accepted, with a warning): silent one
  // 1 min interval + 5 s after the last ping, not 5 s after it (pings come a minute apart).
  child.kill("SIGKILL");
  expect((await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { heartbeatGraceSeconds: 5 } })).status).toBe(200);
  expect((await core.api<{ pingWarning: string | null }>("GET", `/api/v1/projects/${p.id}`)).body.pingWarning).toMatch(/silent only after 65s \(interval \+ grace\)/);
  const silent = await until(p.id, "silent", 90_000, () => "silent once pings stop");
  expect(silent.statusReasons[0]).toMatch(/^no Litestream ping for (1 min \d+s|6\ds): is Litestream running\? \(grace 5s after one heartbeat-interval: 1m\)/);
  const open = await waitFor(async () => {
    const list = await incidents();
    return list.find((i) => i.kind === "silent") ?? null;
  }, { timeoutMs: 10_000, what: "a silent incident" });
  expect(open.reason).toMatch(/Litestream ping/);
  expect(Date.now() - started).toBeLessThan(200_000);
}, 220_000);
