// Issue 14: a stuck Litestream (process alive, replica no longer advancing) sent 8 emails in 18 s for one
// cause: STALE, then ERROR for the same database shortly after, then the stale's RESOLVED "now in error",
// all doubled because the project has two databases. Real parts: a real agent runs real Litestream over
// two databases that two processes keep writing; Litestream is frozen with SIGSTOP (alive, not
// replicating). The stale threshold is crossed by the core's clock between heartbeats, the agent's stuck
// check names the cause; the emails on a real SMTP server are counted: one alert naming both databases.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/store/ids.ts";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { startSqliteWriter, type SqliteWriter } from "../support/sqlite-writer.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, startHarness, waitForStatus, type Harness, type TestAgent } from "../agent/harness.ts";

const STALE_AFTER_SECONDS = 8;
const STUCK_AFTER_MS = 6_000;
const WATCH_SECONDS = 45;

let smtp: SmtpSink;
let h: Harness;
let agent: TestAgent | null = null;
let frozen: number | null = null;
const writers: SqliteWriter[] = [];

beforeAll(async () => {
  smtp = await startSmtp();
  h = await startHarness({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com", BORELA_PUBLIC_URL: "https://borela.example.com" });
});

afterAll(async () => {
  if (frozen) {
    try {
      process.kill(frozen, "SIGCONT");
    } catch {
      /* already gone */
    }
  }
  for (const w of writers) await w.stop();
  await agent?.stop();
  await h?.close();
  await smtp?.close();
});

describe("a stuck Litestream over two databases of one project", () => {
  it("gives one alert naming both databases, not a STALE and an ERROR for each", async () => {
    const p = await h.core.createProject("stuckpair", { staleAfterSeconds: STALE_AFTER_SECONDS, heartbeatGraceSeconds: 120 });
    // A passing drill on record, so the project's first automatic drill stays out of this story.
    const drilledAt = new Date(Date.now() - 3_600_000);
    await h.core.store.drill.create({ data: { id: newId(), projectId: p.id, status: "passed", queuedAt: drilledAt, finishedAt: drilledAt } });
    const dbs = [path.join(h.dir.path, "app.sqlite3"), path.join(h.dir.path, "borela.db")];
    for (const db of dbs) createDatabase(db, 20);
    agent = await runAgent({
      server: h.core.url,
      token: p.agentToken,
      databases: dbs,
      replicaUrl: `file://${path.join(h.dir.path, "replica")}`,
      dir: h.dir.path,
      intervalSeconds: 5,
      deps: { backoff: { initialMs: 200, maxMs: 1000 }, stuck: { afterMs: STUCK_AFTER_MS, maxBackoffMs: 60_000 } },
    });
    for (const db of dbs) writers.push(await startSqliteWriter({ path: db, ratePerSecond: 5, durationMs: 120_000 }));
    await waitForStatus(h.core, p.id, "fresh", 30_000, (d) => d.databases.length === 2 && d.databases.every((x) => (x.replicas[0]?.storageBytes ?? 0) > 0));
    await sleep(2_000);
    expect(smtp.messages).toHaveLength(0);

    frozen = agent.agent.supervisor!.status().pid!;
    process.kill(frozen, "SIGSTOP");
    const stoppedAt = Date.now();
    await waitForStatus(h.core, p.id, "error", 40_000, (d) => d.databases.every((x) => x.status === "error"));
    const stuck = await waitFor(() => smtp.messages.find((m) => m.subject?.startsWith("[Borela] ERROR: stuckpair / ")), { timeoutMs: 20_000, what: "the ERROR email" });
    await sleep(Math.max(0, WATCH_SECONDS * 1000 - (Date.now() - stoppedAt)));

    const subjects = smtp.messages.map((m) => m.subject ?? "");
    const incidents = await h.core.store.incident.findMany({ where: { projectId: p.id }, orderBy: { openedAt: "asc" } });
    console.info(
      `stuck-one-alert: ${subjects.length} email(s) in ${WATCH_SECONDS} s after SIGSTOP: ${JSON.stringify(subjects)}; incidents ${JSON.stringify(incidents.map((i) => [i.kind, i.databaseId?.slice(-4), i.resolvedAt ? "resolved" : "open"]))}`,
    );
    // One alert for the cause, naming both databases.
    const news = subjects.filter((s) => !s.startsWith("[Borela] RESOLVED"));
    expect(news).toEqual([stuck.subject]);
    expect(stuck.subject).toMatch(/^\[Borela\] ERROR: stuckpair \/ app and borela — the replica position has not moved for \d+s/);
    expect(stuck.text).toMatch(/^stuckpair: app and borela are in error: /);
    expect(stuck.text).toMatch(/app: the replica position has not moved for \d+s while the database changed/);
    expect(stuck.text).toMatch(/borela: the replica position has not moved for \d+s while the database changed/);
    // The reason quotes where the replica stopped and the newer position the database reached (the app's
    // WAL grew while Litestream's shadow WAL stood still), never one position twice.
    const quoted = [...stuck.text!.matchAll(/database at index (\d+), offset (\d+), replica stopped at index (\d+), offset (\d+)/g)];
    console.info(`stuck-one-alert: positions quoted ${JSON.stringify(quoted.map((m) => m[0]))}`);
    expect(quoted).toHaveLength(2);
    for (const [, dbIndex, dbOffset, replicaIndex, replicaOffset] of quoted) {
      expect(Number(dbIndex)).toBe(Number(replicaIndex));
      expect(Number(dbOffset)).toBeGreaterThan(Number(replicaOffset));
    }
    // No stale message of its own, whether the stale threshold was crossed before the error came or not.
    expect(subjects.some((s) => /STALE|no longer reported as stale/.test(s))).toBe(false);
    // Litestream is restarted by the agent (SIGKILL after its stop grace) and catches up: at most one resolve per database, grouped when together.
    expect(subjects.length).toBeLessThanOrEqual(3);
  }, 120_000);
});
