// A file replica directory that two projects report belongs to the one that reported it first:
// project A's agent token reporting project B's real Litestream 0.5 replica (file://<root>/…/B, inside
// BORELA_FILE_REPLICA_ROOTS) after B did must not make A's drill restore B's rows, nor A's restore hand
// them out, and must not stop B's drills and restores either: A is refused naming B, B drills (with a
// plain `litestream restore`'s counts) and restores as before. A replica an operator stored on an
// agentless project outranks a later report. A sibling directory with a common prefix (…/replica2), or a
// directory inside B's, is another replica: no conflict, and none of B's rows in A's drill.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { sleep } from "../support/wait-for.ts";
import { restore05 } from "../litestream/live-v5.ts";
import type { ReplicaTarget } from "../../src/litestream/replica-url.ts";
import { replicate05, reportDatabase, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  core = await startTestCore();
  tmp = await tmpDir("borela-shared-replica-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});


async function plainRestore(replica: ReplicaTarget): Promise<Record<string, number>> {
  const output = path.join(tmp.path, "plain.sqlite3");
  const error = await restore05(path.join(tmp.path, "plain"), replica, output);
  if (error) throw new Error(`plain litestream restore failed: ${error}`);
  return tableCounts(output);
}

/** Asks the core to restore the project's database (as `borela restore` does); the finished job. */
async function restoreNow(projectId: string) {
  const started = await core.api("POST", `/api/v1/projects/${projectId}/restores`, { body: {} });
  expect(started.status).toBe(202);
  for (let i = 0; i < 300; i++) {
    const job = await core.api("GET", `/api/v1/restores/${started.body.id}`);
    if (job.body.status !== "running") return job.body;
    await sleep(100);
  }
  throw new Error("restore still running after 30 s");
}

const later = (url: string, first: string, how = "reported by") =>
  `file replica ${url} is also ${how} another project ("${first}"), which claimed it first: drills and restores of this project refuse it while that claim stands (30 days after that project last reported or stored it, or until that project is deleted)`;

describe("a file replica reported by two projects", () => {
  it("refuses drills and restores of the later claimant only; the first one drills and restores on", async () => {
    const bDir = path.join(tmp.path, "b");
    const bFile = seededDatabase(bDir);
    const bReplica = { type: "file" as const, path: path.join(bDir, "replica") };
    await replicate05(bDir, bFile, bReplica, 1);
    const bUrl = `file://${bReplica.path}`;
    const projB = await core.createProject("projB");
    await reportDatabase(core, projB.agentToken, bFile, bUrl, undefined, { position: null });

    const aDir = path.join(tmp.path, "a");
    const aFile = seededDatabase(aDir);
    const projA = await core.createProject("projA");
    // Control: A reports a sibling directory sharing B's prefix (…/replica2): B's drill passes with what litestream restore brings back.
    await reportDatabase(core, projA.agentToken, aFile, `file://${bReplica.path}2`, undefined, { position: null });
    const control = await runDrillNow(core, projB.id);
    expect(control.report.error ?? null).toBeNull();
    expect(control.status).toBe("passed");
    const plain = await plainRestore(bReplica);
    expect(control.report.tables).toEqual(plain);
    expect(control.report.tables).toEqual(tableCounts(bFile));

    // A's agent token reports B's directory (with a trailing slash, as written by hand).
    await reportDatabase(core, projA.agentToken, aFile, `${bUrl}/`, undefined, { position: null });
    const aDrill = await runDrillNow(core, projA.id);
    expect(aDrill.status).toBe("failed");
    expect(aDrill.report.error).toBe(later(`${bUrl}/`, "projB"));
    expect(aDrill.report.tables ?? {}).toEqual({});

    // B reported it first: its drill and restore go on, with what a plain litestream restore brings back.
    const bDrill = await runDrillNow(core, projB.id);
    expect(bDrill.report.error ?? null).toBeNull();
    expect(bDrill.status).toBe("passed");
    expect(bDrill.report.tables).toEqual(plain);
    const bRestore = await restoreNow(projB.id);
    expect(bRestore.error).toBeNull();
    expect(bRestore.status).toBe("ready");

    const aRestore = await restoreNow(projA.id);
    expect(aRestore.status).toBe("refused");
    expect(aRestore.error).toContain(later(`${bUrl}/`, "projB"));
    expect(aRestore.outcome ?? null).toBeNull();

    // The operator sees it on the later claimant before any drill runs; the owner shows no problem.
    const aDetail = await core.api("GET", `/api/v1/projects/${projA.id}`);
    expect(aDetail.body.databases[0].drillProblem).toBe(later(`${bUrl}/`, "projB"));
    const bDetail = await core.api("GET", `/api/v1/projects/${projB.id}`);
    expect(bDetail.body.databases[0].drillProblem ?? null).toBeNull();

    // A reports a directory inside B's (nested): another replica, not B's. Litestream restores from the
    // layout under the reported directory, so A's drill finds no backup and none of B's rows, and B still
    // drills. (Counting nested directories as one replica let a token that reported a parent first refuse
    // every later project below it.)
    await reportDatabase(core, projA.agentToken, aFile, `${bUrl}/ltx`, undefined, { position: null });
    const inside = await runDrillNow(core, projA.id);
    expect(inside.status).toBe("failed");
    expect(inside.report.error).toMatch(/^no backup found in file:\/\/.*\/ltx$/);
    expect(inside.report.tables ?? null).not.toEqual(plain);
    const nested = await runDrillNow(core, projB.id);
    expect(nested.report.error ?? null).toBeNull();
    expect(nested.status).toBe("passed");
    expect(nested.report.tables).toEqual(plain);

    // A replica an operator stored on an agentless project outranks A's later report of it.
    const sDir = path.join(tmp.path, "s-replica");
    const projS = await core.createProject("projS");
    const storedRes = await core.api("PATCH", `/api/v1/projects/${projS.id}`, { body: { replicaUrl: `file://${sDir}` } });
    expect(storedRes.status).toBe(200);
    await reportDatabase(core, projA.agentToken, aFile, `file://${sDir}`, undefined, { position: null });
    expect((await runDrillNow(core, projA.id)).report.error).toBe(later(`file://${sDir}`, "projS", "stored on"));
  }, 120_000);
});
