// The version matrix (issue 16, item 7): the drift suite's representative path run on both Litestream
// lines at once, in one world (core, fauxqs S3, SMTP shared), each line's scenario concurrently:
// a real agent replicating to S3 while the app writes, a 6 MB insert (past 1000 WAL pages, where both
// lines checkpoint) with the project fresh throughout and no incident, a drill whose restored counts
// equal a plain `litestream restore` of the same replica by the same line's binary (and the live
// database's), the agent stopped → silent with one alert, the agent started again → fresh, one resolve.
// The rest of the drift suite runs on BORELA_TEST_LITESTREAM (0.3 unset); tests of 0.3 specifics pin 0.3.
import { statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { LitestreamLine } from "../../core/src/litestream/binary.ts";
import { restore } from "../../core/src/litestream/commands.ts";
import { parseReplicaUrl, type ReplicaTarget } from "../../core/src/litestream/replica-url.ts";
import { project } from "../../core/test/agent/harness.ts";
import { tableCounts } from "../../core/test/drills/fixtures.ts";
import { restore05 } from "../../core/test/litestream/live-v5.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { drill, expectAlert, expectResolved, startScenario, startWorld, type Scenario, type World } from "./world.ts";

let world: World;
const scenarios: Scenario[] = [];
const started = Date.now();
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  for (const s of scenarios) await s.cleanup();
  await world?.close();
  process.stderr.write(`versions matrix: ${Math.round((Date.now() - started) / 1000)} s wall time for both lines\n`);
});

function target(s: Scenario): ReplicaTarget {
  const t = parseReplicaUrl(s.replicaUrl);
  if (t.type !== "s3") throw new Error("an S3 replica was expected");
  return { ...t, credentials: { accessKeyId: world.s3.accessKeyId, secretAccessKey: world.s3.secretAccessKey } };
}

/** A plain `litestream restore` of the scenario's replica with the binary of its line: table counts, or its error. */
async function plainRestore(s: Scenario): Promise<Record<string, number> | { error: string }> {
  const output = path.join(world.dir.path, `plain-${s.name}.sqlite3`);
  if (s.litestream === "0.5") {
    const error = await restore05(path.join(world.dir.path, `plain-${s.name}`), target(s), output);
    return error === null ? tableCounts(output) : { error };
  }
  try {
    await restore({ replica: target(s) }, { outputPath: output, timeoutMs: 60_000 });
    return tableCounts(output);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const LAYOUT: Record<LitestreamLine, string> = { "0.3": "generations", "0.5": "ltx" };

describe.concurrent("both Litestream lines, one world", () => {
  it.for(["0.3", "0.5"] as const)("Litestream %s: checkpoint → fresh; drill = plain restore; agent stopped → silent; started → fresh", { timeout: 180_000 }, async (line, { expect }) => {
    const name = `matrix-${line.replace(".", "")}`;
    const s = await startScenario(world, name, {}, { litestream: line });
    scenarios.push(s);
    // Fresh can come from a heartbeat whose sample read no position of the database (its -wal mid-checkpoint
    // under load, ci37): the position before the insert is the first one reported.
    const before = await waitFor(async () => (await project(world.core, s.projectId)).databases[0].position, {
      timeoutMs: 20_000,
      what: `Litestream ${line}: the database's position before the insert`,
    });

    const db = new Database(s.dbPath);
    db.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('big', ?, ?)").run("x".repeat(6_000_000), new Date().toISOString());
    db.close();
    // The main database file grows only when a checkpoint copies the WAL's pages back into it.
    await waitFor(() => (statSync(s.dbPath).size > 6_000_000 ? true : null), { timeoutMs: 20_000, what: `Litestream ${line}: a checkpoint of the 6 MB insert` });
    const statuses: string[] = [];
    for (const end = Date.now() + 12_000; Date.now() < end; ) {
      statuses.push((await project(world.core, s.projectId)).status);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(statuses.filter((x) => x !== "fresh"), `statuses over ${statuses.length} polls`).toEqual([]);
    expect((await world.core.api("GET", `/api/v1/projects/${s.projectId}/incidents`)).body).toEqual([]);

    // Writer stopped and the replica caught up: the drill, a plain restore and the live database agree.
    await s.writer!.stop();
    s.writer = null;
    // The database's position is Litestream's view of it: only a heartbeat sampled a few of Litestream's sync
    // intervals (1 s) after the last commit can say the replica holds every row the file has.
    const settledAfter = Date.now() + 5_000;
    const caughtUp = await waitFor(
      async () => {
        const detail = await project(world.core, s.projectId);
        const d = detail.databases[0];
        const r = d.replicas[0]?.position;
        const settled = Date.parse(detail.lastHeartbeatAt ?? "") > settledAfter;
        return settled && d.position && r && r.generation === d.position.generation && r.index === d.position.index && r.offset === d.position.offset ? d : null;
      },
      { timeoutMs: 30_000, what: `Litestream ${line}: the replica to catch up with the database` },
    );
    expect(caughtUp.position!.offset !== before.offset || caughtUp.position!.index !== before.index).toBe(true);
    const passed = await drill(world, s.projectId);
    expect(passed.status, JSON.stringify(passed.report)).toBe("passed");
    expect(passed.report.layout).toBe(LAYOUT[line]);
    expect(passed.report.litestreamVersion).toMatch(line === "0.5" ? /^v0\.5\./ : /^v0\.3\./);
    expect(await plainRestore(s)).toEqual(passed.report.tables);
    expect(passed.report.tables).toEqual(tableCounts(s.dbPath));

    const t0 = Date.now();
    await s.stopAgent();
    await expectAlert(s, "silent", /no heartbeat for .* is the agent running\?/, new RegExp(`^\\[Borela\\] SILENT: ${name}`), t0);
    await s.startAgent();
    await expectResolved(s);
  });
});
