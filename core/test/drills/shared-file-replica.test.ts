// A file replica directory that two projects report belongs to neither as far as drills and restores go:
// project A's agent token reporting project B's real Litestream 0.5 replica (file://<root>/…/B, inside
// BORELA_FILE_REPLICA_ROOTS) must not make A's drill restore B's rows, nor A's restore hand them out;
// B's drill refuses too while A reports it, and passes again (with a plain `litestream restore`'s
// counts) once only B reports it. A sibling directory with a common prefix (…/replica2) is no conflict.
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

const conflict = (url: string, other: string) =>
  `file replica ${url} is also reported by another project ("${other}"): drills and restores refuse it until only one project reports it`;

describe("a file replica reported by two projects", () => {
  it("refuses drills and restores of both until only one project reports it", async () => {
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
    expect(aDrill.report.error).toBe(conflict(`${bUrl}/`, "projB"));
    expect(aDrill.report.tables ?? {}).toEqual({});

    const bDrill = await runDrillNow(core, projB.id);
    expect(bDrill.status).toBe("failed");
    expect(bDrill.report.error).toBe(conflict(bUrl, "projA"));

    const aRestore = await restoreNow(projA.id);
    expect(aRestore.status).toBe("refused");
    expect(aRestore.error).toContain(conflict(`${bUrl}/`, "projB"));
    expect(aRestore.outcome ?? null).toBeNull();

    // The operator sees it before any drill runs.
    const aDetail = await core.api("GET", `/api/v1/projects/${projA.id}`);
    expect(aDetail.body.databases[0].drillProblem).toBe(conflict(`${bUrl}/`, "projB"));
    const bDetail = await core.api("GET", `/api/v1/projects/${projB.id}`);
    expect(bDetail.body.databases[0].drillProblem).toBe(conflict(bUrl, "projA"));

    // A reports a directory inside B's (nested) — still refused; then its own again: B drills as before.
    await reportDatabase(core, projA.agentToken, aFile, `${bUrl}/ltx`, undefined, { position: null });
    expect((await runDrillNow(core, projB.id)).report.error).toBe(conflict(bUrl, "projA"));
    await reportDatabase(core, projA.agentToken, aFile, `file://${path.join(aDir, "replica")}`, undefined, { position: null });
    const again = await runDrillNow(core, projB.id);
    expect(again.report.error ?? null).toBeNull();
    expect(again.status).toBe("passed");
    expect(again.report.tables).toEqual(plain);
    const restored = await restoreNow(projB.id);
    expect(restored.error).toBeNull();
    expect(restored.status).toBe("ready");
  }, 120_000);
});
