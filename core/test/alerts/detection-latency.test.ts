// Detection latency, end to end with the real parts: an app writes to its
// SQLite database, the agent runs Litestream and reports to a core with the
// default sweep interval, and the alert goes over SMTP. With a 10 s stale
// threshold, stopping Litestream must put the email in the inbox within
// threshold + 15 s — and not before the threshold.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { startSqliteWriter, type SqliteWriter } from "../support/sqlite-writer.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, startHarness, waitForStatus, type Harness, type TestAgent } from "../agent/harness.ts";

const STALE_AFTER_SECONDS = 10;
const BUDGET_SECONDS = STALE_AFTER_SECONDS + 15;

let smtp: SmtpSink;
let h: Harness;
let agent: TestAgent | null = null;
let writer: SqliteWriter | null = null;

beforeAll(async () => {
  smtp = await startSmtp();
  h = await startHarness({
    BORELA_SMTP_URL: smtp.url,
    BORELA_ALERT_EMAIL: "ops@example.com",
    BORELA_PUBLIC_URL: "https://borela.example.com",
    BORELA_SWEEP_INTERVAL_SECONDS: "15", // the default, not the harness's 1 s
  });
});

afterAll(async () => {
  await writer?.stop();
  await agent?.stop();
  await h?.close();
  await smtp?.close();
});

describe("detection latency", () => {
  it(`with a ${STALE_AFTER_SECONDS} s stale threshold, stopping Litestream emails within threshold + 15 s`, async () => {
    const p = await h.core.createProject("latency", { staleAfterSeconds: STALE_AFTER_SECONDS, heartbeatGraceSeconds: 60 });
    const dbPath = path.join(h.dir.path, "app.sqlite3");
    const replica = `file://${path.join(h.dir.path, "replica")}`;
    createDatabase(dbPath, 20);
    agent = await runAgent({
      server: h.core.url,
      token: p.agentToken,
      databases: [dbPath],
      replicaUrl: replica,
      // Restarts on, but not within the test: a Litestream the agent restarts is a note and its cost shows as
      // stale; with restarts off it would be an error naming it at once (core/test/agent/e2e-lifecycle.test.ts).
      deps: { backoff: { initialMs: 600_000, maxMs: 600_000 } },
      dir: h.dir.path,
      intervalSeconds: 5,
    });
    writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 10, durationMs: 90_000 });
    await waitForStatus(h.core, p.id, "fresh", 20_000, (d) => (d.databases[0]?.replicas[0]?.storageBytes ?? 0) > 0);
    await sleep(1000);
    expect(smtp.messages).toHaveLength(0);

    const stoppedAt = Date.now();
    agent.agent.supervisor!.kill();
    // Only the stale alert: the project's first restore drill may email on its own meanwhile.
    const staleMails = () => smtp.messages.filter((m) => m.subject?.startsWith("[Borela] STALE: latency "));
    const mail = await waitFor(() => staleMails()[0], {
      timeoutMs: (BUDGET_SECONDS + 5) * 1000,
      intervalMs: 100,
      what: "the stale alert email",
    });
    const latency = (Date.now() - stoppedAt) / 1000;

    expect(latency).toBeLessThanOrEqual(BUDGET_SECONDS);
    expect(latency).toBeGreaterThanOrEqual(STALE_AFTER_SECONDS - 1);
    expect(mail.subject).toMatch(/^\[Borela\] STALE: latency \/ app — changes unreplicated for \d+s$/);
    // The figures agree with what happened: changes have waited since about when Litestream stopped, and
    // the newest upload in the replica is from before that (nothing was uploaded since).
    const unreplicated = Number(/changes unreplicated for (\d+)s$/.exec(mail.subject!)?.[1]);
    // Never longer than the time since the stop (plus Litestream's 0.5 s sync interval and rounding); shorter
    // by at most how late the agent's 1 s sampling noticed the first waiting change on a loaded machine.
    expect(unreplicated).toBeLessThanOrEqual(latency + 1.5);
    expect(unreplicated).toBeGreaterThanOrEqual(Math.max(STALE_AFTER_SECONDS, latency - 5));
    const newestUploadAgo = Number(/Last backup \(newest upload to the replica\): [^(]+\((\d+)s ago\)$/m.exec(mail.text!)?.[1]);
    expect(newestUploadAgo).toBeGreaterThanOrEqual(unreplicated - 2);
    expect(mail.text).not.toContain("uploads go on");
    console.log(`stale email: changes unreplicated for ${unreplicated} s, newest upload ${newestUploadAgo} s ago, ${latency.toFixed(1)} s after Litestream stopped`);
    expect(mail.text).toContain(`litestream restore -o /tmp/app-restored.sqlite3 ${replica}`);
    expect(mail.text).toContain(`Dashboard: https://borela.example.com/projects/${p.id}`);
    await sleep(2500);
    expect(staleMails()).toHaveLength(1);
    console.log(`detection latency: ${latency.toFixed(1)} s (threshold ${STALE_AFTER_SECONDS} s, budget ${BUDGET_SECONDS} s)`);
  });
});
