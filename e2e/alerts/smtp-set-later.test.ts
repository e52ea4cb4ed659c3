// "Setting BORELA_SMTP_URL and restarting sent 12 emails at once for incidents
// that had long resolved." A real core (HTTP, sweeper, alert dispatcher) runs
// without SMTP while heartbeats make six stale incidents open and resolve;
// it is stopped and started again on the same data dir with BORELA_SMTP_URL and
// BORELA_ALERT_EMAIL set. At most one message may arrive, and it must read as
// a summary whose durations are the real ones.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../core/src/server/start.ts";
import { newId } from "../../core/src/store/ids.ts";
import { heartbeat } from "../../core/test/support/core-server.ts";
import { startSmtp, type SmtpSink } from "../../core/test/support/smtp.ts";
import { sleep } from "../../core/test/support/wait-for.ts";

const ADMIN = `bradm_test_${Math.random().toString(36).slice(2)}`;
const dataDir = mkdtempSync(path.join(tmpdir(), "borela-smtp-later-"));
let core: RunningServer | null = null;
let smtp: SmtpSink | null = null;

afterAll(async () => {
  await core?.close();
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(env: Record<string, string>): Promise<RunningServer> {
  return startServer({
    env: { BORELA_ADMIN_TOKEN: ADMIN, BORELA_LOG_LEVEL: "warn", BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_PUBLIC_URL: "https://borela.example.com", ...env },
    dataDir,
    host: "127.0.0.1",
    port: 0,
  });
}

async function api(c: RunningServer, method: string, url: string, token: string, body?: unknown) {
  const res = await fetch(c.url + url, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

describe("SMTP configured after incidents came and went", () => {
  it("restarting with BORELA_SMTP_URL sends one summary of the six stale incidents, not twelve emails", async () => {
    core = await start({});
    const created = await api(core, "POST", "/api/v1/projects", ADMIN, { name: "later", staleAfterSeconds: 5 });
    expect(created.status).toBe(201);
    const { id: projectId, agentToken } = created.body as { id: string; agentToken: string };
    // A passing drill on record, so the project's first automatic drill stays out of this story.
    const drilledAt = new Date(Date.now() - 86_400_000);
    await core.store.drill.create({ data: { id: newId(), projectId, status: "passed", queuedAt: drilledAt, finishedAt: drilledAt } });

    const beat = async (pendingSince: Date | null) => {
      expect((await api(core!, "POST", "/api/v1/heartbeats", agentToken, heartbeat({ pendingSince }))).status).toBe(201);
      await core!.app.sweeper.idle();
    };
    await beat(null);
    const spans: number[] = [];
    for (let i = 0; i < 6; i++) {
      const since = new Date(Date.now() - 8_000);
      await beat(since);
      await sleep(1200);
      await beat(null);
      spans.push((Date.now() - since.getTime()) / 1000);
    }
    const incidents = await core.store.incident.findMany({ where: { projectId }, orderBy: { openedAt: "asc" } });
    expect(incidents.map((i) => [i.kind, i.resolvedAt !== null])).toEqual(Array.from({ length: 6 }, () => ["stale", true]));
    await core.alerts.tick();
    expect(await core.store.delivery.count()).toBe(0);
    await core.close();
    core = null;

    smtp = await startSmtp();
    core = await start({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" });
    // Several dispatcher ticks (every 2 s): a burst would have arrived by then.
    await sleep(7000);
    expect(smtp.messages.map((m) => m.subject)).toEqual(["[Borela] later: 6 incidents opened and resolved before they could be announced"]);
    const lines = smtp.messages[0].text!.split("\n").filter((l) => l.startsWith("- later / app: stale, replica caught up after "));
    expect(lines).toHaveLength(6);
    // Each says how long changes really waited (from the pendingSince the agent reported to the catch-up), to within 2 s.
    for (const [i, line] of lines.entries()) {
      const seconds = Number(/after (\d+)s unreplicated/.exec(line)?.[1]);
      expect(Math.abs(seconds - spans[i])).toBeLessThanOrEqual(2);
    }
    expect(smtp.messages[0].html).toContain("6 incidents opened and resolved while alerts could not be sent here");
    const rows = await core.store.delivery.findMany();
    expect(rows.map((r) => [r.event, r.status])).toEqual(Array.from({ length: 6 }, () => ["missed", "sent"]));
    console.info(`smtp-set-later: ${smtp.messages.length} message for 6 resolved incidents; spans ${spans.map((s) => s.toFixed(1)).join(", ")} s`);
  });
});
