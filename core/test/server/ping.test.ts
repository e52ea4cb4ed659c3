// Agentless watching (issue 16, item 8): an unmodified Litestream 0.5.16 with
// `heartbeat-url:` pointing at the project's ping URL keeps a project with no
// agent fresh while its pings arrive within the grace; silent otherwise, saying
// Litestream may not be running. The ping URL is unguessable and per project.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pingVerdict } from "../../src/freshness/status.ts";
import { renderReason } from "../../src/words/reasons.ts";
import { litestream05, litestream05Env } from "../litestream/live-v5.ts";
import { createDatabase } from "../litestream/live.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";

let core: TestCore;
let tmp: TmpDir;
let child: ChildProcess | null = null;
beforeAll(async () => {
  core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" });
  tmp = await tmpDir("borela-ping-");
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await core?.close();
  await tmp?.remove();
});

interface Detail {
  status: string;
  statusReasons: string[];
  pingUrl: string | null;
  lastPingAt: string | null;
}
const detail = async (id: string) => (await core.api<Detail>("GET", `/api/v1/projects/${id}`)).body;

describe("pingVerdict", () => {
  const t = { staleAfterSeconds: 60, heartbeatGraceSeconds: 120 };
  const at = new Date("2026-01-01T00:00:00Z");
  it("fresh within Litestream's 1 min ping interval + the grace, silent past it, naming the missing ping", () => {
    expect(pingVerdict(at, t, new Date(at.getTime() + 180_000)).status).toBe("fresh");
    const silent = pingVerdict(at, t, new Date(at.getTime() + 181_000));
    expect(silent.status).toBe("silent");
    expect(renderReason(silent.reasons[0], new Date(at.getTime() + 181_000))).toMatch(/^no Litestream ping for 3 min 1s: is Litestream running\?/);
  });
});

describe("GET|POST /ping/<ping key>", () => {
  it("200 for the project's key (no auth), 404 for any other; pingUrl is per project", async () => {
    const a = await core.createProject("ping-a");
    const b = await core.createProject("ping-b");
    const [da, db] = [await detail(a.id), await detail(b.id)];
    expect(da.pingUrl).toMatch(new RegExp(`^${core.url}/ping/[A-Za-z0-9_-]{24}$`));
    expect(da.pingUrl).not.toBe(db.pingUrl);
    expect(da.lastPingAt).toBeNull();
    const get = await fetch(da.pingUrl!);
    expect(get.status).toBe(200);
    const post = await fetch(db.pingUrl!, { method: "POST" });
    expect(post.status).toBe(200);
    expect((await fetch(`${core.url}/ping/${"x".repeat(24)}`)).status).toBe(404);
    expect((await detail(a.id)).lastPingAt).not.toBeNull();
  });

  it("a real litestream 0.5 replicate with heartbeat-url: fresh on its pings with no agent; silent once they stop", async () => {
    const p = await core.createProject("ping-live", { heartbeatGraceSeconds: 75 });
    const before = await detail(p.id);
    expect(before.status).toBe("unknown");
    const db = path.join(tmp.path, "app.sqlite3");
    createDatabase(db, 5);
    const config = path.join(tmp.path, "litestream.yml");
    writeFileSync(
      config,
      JSON.stringify({
        "heartbeat-url": before.pingUrl,
        "heartbeat-interval": "1m", // 0.5.16's minimum; its monitor checks every 15 s
        dbs: [{ path: db, replica: { type: "file", path: path.join(tmp.path, "replica"), "sync-interval": "1s" } }],
      }),
    );
    const lines: string[] = [];
    child = spawn(litestream05(), ["replicate", "-config", config], { env: litestream05Env(), stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (c: Buffer) => lines.length < 1000 && lines.push(c.toString()));

    const fresh = await waitFor(async () => {
      const d = await detail(p.id);
      return d.status === "fresh" ? d : null;
    }, { timeoutMs: 30_000, intervalMs: 500, what: `fresh on a Litestream ping (litestream: ${lines.join("").slice(-500)})` });
    expect(fresh.statusReasons.join(" ")).toMatch(/Litestream pinged .* ago/);
    const first = fresh.lastPingAt!;

    // The next ping, a minute on: fresh all along.
    const second = await waitFor(async () => {
      const d = await detail(p.id);
      expect(d.status).toBe("fresh");
      return d.lastPingAt !== first ? d : null;
    }, { timeoutMs: 80_000, intervalMs: 1000, what: "Litestream's second ping" });
    expect(Date.parse(second.lastPingAt!) - Date.parse(first)).toBeGreaterThanOrEqual(55_000);

    // Litestream stops; one 1 min interval + the grace (shortened to 5 s, so the test need not wait 75 s more) runs out: silent.
    child.kill("SIGKILL");
    expect((await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { heartbeatGraceSeconds: 5 } })).status).toBe(200);
    const silent = await waitFor(async () => {
      const d = await detail(p.id);
      return d.status === "silent" ? d : null;
    }, { timeoutMs: 80_000, intervalMs: 500, what: "silent once pings stop" });
    expect(silent.statusReasons[0]).toMatch(/^no Litestream ping for (1 min \d+s|6\ds): is Litestream running\?/);
  }, 200_000);
});
