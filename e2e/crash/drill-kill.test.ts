// kill -9 of the core mid-drill: after restart the drill is reclaimed (its
// lease ran out) and finishes, or ends as `error`; no drill stays `running`
// and the temp files of the killed attempt are removed.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { startCoreProcess, stopProcess, type CoreProcess } from "../support/core-process.ts";
import { createDatabase, startLitestream } from "../../core/test/litestream/live.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

const dir = mkdtempSync(path.join(tmpdir(), "borela-drill-kill-"));
const dataDir = path.join(dir, "data");
const admin = "bradm_drill_kill";
// The replica lives beside the data dir, in the test's temp dir: the root for file replicas.
const env = { BORELA_DATA_DIR: dataDir, BORELA_FILE_REPLICA_ROOTS: dir, BORELA_ADMIN_TOKEN: admin, BORELA_DRILL_LEASE_SECONDS: "2" };
let core: CoreProcess | null = null;

afterAll(async () => {
  if (core) await stopProcess(core.child, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function drillRow(id: string): { status: string; attempts: number } {
  const db = new Sqlite(path.join(dataDir, "borela.db"), { readonly: true });
  try {
    return db.prepare("SELECT status, attempts FROM Drill WHERE id = ?").get(id) as { status: string; attempts: number };
  } finally {
    db.close();
  }
}

async function api(method: string, url: string, body?: unknown, token = admin) {
  const res = await fetch(core!.url + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("crash safety of drills", () => {
  it("reclaims a drill whose core was killed mid-restore, and leaves no temp files", async () => {
    // A database big enough that its restore takes a moment.
    const file = path.join(dir, "app.sqlite3");
    createDatabase(file, 0);
    const db = new Sqlite(file);
    const insert = db.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('blob', ?, ?)");
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(Buffer.alloc(16_384, i % 251).toString("base64"), new Date().toISOString());
    })();
    db.close();
    const replica = path.join(dir, "replica");
    const ls = await startLitestream(dir, file, { type: "file", path: replica });
    await ls.caughtUp(60_000);
    await ls.stop();

    core = await startCoreProcess(env);
    const project = (await api("POST", "/api/v1/projects", { name: "killed" })).body;
    const hb = await api(
      "POST",
      "/api/v1/heartbeats",
      {
        agentVersion: "test",
        sentAt: new Date().toISOString(),
        databases: [{ name: "app", path: file, exists: true, replicas: [{ type: "file", url: `file://${replica}` }], errors: [] }],
        errors: [],
      },
      project.agentToken,
    );
    expect(hb.status).toBe(201);
    const drillId = (await api("POST", `/api/v1/projects/${project.id}/drills`, {})).body.id;
    const drillDir = path.join(dataDir, "drills");
    await waitFor(() => (existsSync(drillDir) && readdirSync(drillDir).some((e) => e.startsWith(`drill-${drillId}`)) ? true : null), {
      timeoutMs: 30_000,
      intervalMs: 10,
      what: "the drill's temp dir",
    });
    await stopProcess(core.child, "SIGKILL");
    core = null;
    // The killed core's Litestream restore child is orphaned; an operator's reboot would end it too.
    try {
      execFileSync("pkill", ["-9", "-f", `litestream restore.*${drillDir}`]);
    } catch {
      /* already gone */
    }
    expect(drillRow(drillId).status).toBe("running");

    core = await startCoreProcess(env);
    const final = await waitFor(() => {
      const row = drillRow(drillId);
      return row.status === "running" || row.status === "queued" ? null : row;
    }, { timeoutMs: 60_000, what: "the reclaimed drill to finish" });
    expect(["passed", "error"]).toContain(final.status);
    expect(final.attempts).toBe(2);
    const drill = (await api("GET", `/api/v1/drills/${drillId}`)).body;
    if (final.status === "passed") expect(drill.report.tables.events).toBe(3000);
    expect(readdirSync(drillDir).filter((e) => e.startsWith("drill-"))).toEqual([]);
  }, 180_000);
});
