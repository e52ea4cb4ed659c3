// Errors that must neither stick nor flap, with a real agent, real Litestream
// 0.3.13 and fauxqs S3:
//   (a) the database file moved away and back while the database is idle: Litestream
//       logs "sync error … no such file" every second while it is gone and nothing
//       at all once it is back (an idle database writes no WAL segment). The error
//       must end when the file is back: one incident, opened and resolved.
//   (b) storage that refuses deletes: a deny policy on s3:DeleteObject makes S3 answer
//       DeleteObjects with 200 and a per-key AccessDenied in its XML body (the fauxqs
//       hook of startS3's denyDeletes mimics exactly that). Uploads keep working, so
//       retention alone fails, on every pass. One steady `error` worded for what it is,
//       one incident, through at least three retention passes; cleared once deletes work.
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { createDatabase, startLitestream } from "../../core/test/litestream/live.ts";
import { project, runAgent, waitForStatus, type TestAgent } from "../../core/test/agent/harness.ts";
import { GRACE, STALE_AFTER } from "./world.ts";
import { useWorld } from "./use-world.ts";

const world = useWorld();
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

async function incidents(projectId: string): Promise<Array<{ kind: string; reason: string; open: boolean; resolvedAt: string | null }>> {
  return (await world.core.api("GET", `/api/v1/projects/${projectId}/incidents`)).body;
}

/** Polls the project every 250 ms until `until()` holds, and returns every distinct status + reasons seen. */
async function watchStates(projectId: string, until: () => boolean, timeoutMs: number): Promise<string[]> {
  const seen: string[] = [];
  const end = Date.now() + timeoutMs;
  while (!until()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms; states seen: ${JSON.stringify(seen)}`);
    const p = await project(world.core, projectId);
    const state = `${p.status}: ${p.statusReasons.join(" | ")}`;
    if (seen.at(-1) !== state) seen.push(state);
    await new Promise((r) => setTimeout(r, 250));
  }
  return seen;
}

describe("error states: one per condition, steady while it lasts, gone when it is", () => {
  it("(a) the file moved away and back while idle → error 'the database file is missing', cleared once it is back; one incident", async () => {
    const s = await world.scenario("moved-idle");
    await s.writer!.stop();
    s.writer = null;
    await new Promise((r) => setTimeout(r, 2000)); // idle: the last changes replicated, nothing more to write
    await waitForStatus(world.core, s.projectId, "fresh", 20_000);

    await rename(s.dbPath, `${s.dbPath}.away`);
    // The agent's own stat may report the file gone before Litestream's first sync error is logged:
    // wait for Litestream's reason, the one this test is about, not the first error that appears.
    const syncMissing = /sync failed: the database file is missing \(cannot verify wal state: stat .*app\.sqlite3: no such file or directory\)/;
    const down = await waitForStatus(world.core, s.projectId, "error", 20_000, (p) => syncMissing.test(p.statusReasons.join("\n")));
    expect(down.statusReasons.join("\n")).toMatch(syncMissing);
    await new Promise((r) => setTimeout(r, 3000));
    await rename(`${s.dbPath}.away`, s.dbPath);

    // Back, and still idle: nothing is written, and the error must end anyway.
    await waitForStatus(world.core, s.projectId, "fresh", 30_000);
    const list = await waitFor(async () => {
      const l = await incidents(s.projectId);
      return l.length === 1 && l[0].resolvedAt ? l : null;
    }, { timeoutMs: 15_000, what: "the incident to be resolved" });
    expect(list).toEqual([expect.objectContaining({ kind: "error", open: false, reason: expect.stringMatching(/database file is missing/) })]);
    await new Promise((r) => setTimeout(r, 3000)); // and it stays that way
    expect((await project(world.core, s.projectId)).status).toBe("fresh");
    expect(await incidents(s.projectId)).toHaveLength(1);
  });

  it("(b) storage denies deletes → one steady error 'deletes denied: retention is not running; storage grows' through ≥3 retention passes while uploads succeed; one incident, resolved once deletes work", async () => {
    const name = "denied-deletes";
    const p = await world.core.createProject(name, { staleAfterSeconds: STALE_AFTER, heartbeatGraceSeconds: GRACE });
    const dir = path.join(world.dir.path, name);
    await mkdir(dir, { recursive: true });
    const dbPath = path.join(dir, "app.sqlite3");
    createDatabase(dbPath, 30);
    const s3Replica = {
      type: "s3" as const,
      bucket: "backups",
      path: `${name}/app`,
      endpoint: world.s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: world.s3.accessKeyId, secretAccessKey: world.s3.secretAccessKey },
    };
    // An older generation in the replica, as any replica that lived through a lost WAL has: retention must
    // delete it, since it holds no snapshot inside the retention period.
    const old = await startLitestream(path.join(dir, "old"), dbPath, s3Replica);
    await old.caughtUp();
    await old.stop();
    await rm(path.join(dir, ".app.sqlite3-litestream"), { recursive: true, force: true });

    const config = path.join(dir, "litestream.yml");
    await writeFile(
      config,
      JSON.stringify({
        dbs: [
          {
            path: dbPath,
            replicas: [
              {
                type: "s3",
                bucket: "backups",
                path: `${name}/app`,
                endpoint: world.s3.endpoint,
                region: "us-east-1",
                "force-path-style": true,
                "access-key-id": world.s3.accessKeyId,
                "secret-access-key": world.s3.secretAccessKey,
                retention: "3s",
                "retention-check-interval": "2s",
              },
            ],
          },
        ],
      }),
    );
    world.s3.denyDeletes(`backups/${name}/`);
    const agent: TestAgent = await runAgent({ server: world.core.url, token: p.agentToken, databases: [], flags: { litestreamConfig: config }, dir, env: { BORELA_LITESTREAM_VERSION: "0.3" } });
    cleanups.push(() => agent.stop());
    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 5, durationMs: 120_000 });
    cleanups.push(() => writer.stop());
    const passes = () => agent.logs.filter((l) => l.includes("retainer error")).length;
    const uploads = () => agent.logs.filter((l) => l.includes("wal segment written")).length;

    const down = await waitForStatus(world.core, p.id, "error", 30_000);
    const reasons = down.statusReasons.join("\n");
    expect(reasons).toMatch(/deletes denied: retention is not running; storage grows \(delete generation: .*AccessDenied/);
    expect(reasons).not.toMatch(/rejected the credentials/);

    // At least three more retention passes, with uploads succeeding between them: the state never changes.
    const [p0, u0] = [passes(), uploads()];
    const states = await watchStates(p.id, () => passes() >= p0 + 3 && uploads() >= u0 + 3, 60_000);
    expect(states).toHaveLength(1);
    expect(states[0]).toMatch(/^error: .*deletes denied: retention is not running; storage grows/);
    expect(world.s3.deniedDeletes()).toBeGreaterThanOrEqual(4);
    const open = await incidents(p.id);
    expect(open).toEqual([expect.objectContaining({ kind: "error", open: true, reason: expect.stringMatching(/deletes denied/) })]);

    // Deletes allowed again: the next pass deletes the old generation (Litestream logs nothing for that;
    // its DELETE counter rises), and the error ends.
    world.s3.denyDeletes(null);
    await waitForStatus(world.core, p.id, "fresh", 30_000);
    const list = await waitFor(async () => {
      const l = await incidents(p.id);
      return l.length === 1 && l[0].resolvedAt ? l : null;
    }, { timeoutMs: 15_000, what: "the incident to be resolved" });
    expect(list).toHaveLength(1);
  }, 180_000);
});
