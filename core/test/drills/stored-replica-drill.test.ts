// Drills of a project watched without an agent (issue 16 item 8): a real Litestream
// 0.5.16 `replicate` with heartbeat-url at the core's ping route writes a real database
// to a file replica; the operator stores that replica on the project (PATCH replicaUrl)
// before Litestream first syncs (its directory awaited, not an error); no agent ever reports. The project turns fresh on the ping and the core's listing,
// gets its first drill from that alone (no Database row exists), which passes with the
// counts a plain `litestream restore` of the same replica gives; `borela drill run
// <project> --wait` and the schedule drill it too, and `borela restore` restores it; a flipped byte in an LTX file fails the drill naming
// the file and opens the drill incident; the project stays what agentless.ts decides;
// a second project storing the same directory makes both refuse it.
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { replicateToFile05, restore05 } from "../litestream/live-v5.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { runBorela } from "../support/borela-cli.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { addRows, runDrillNow, seededDatabase, tableCounts } from "./fixtures.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const core = useTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LISTING_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" });
const tmp = useTmpDir("borela-stored-drill-");
let child: ChildProcess | null = null;
afterAll(async () => {
  child?.kill("SIGKILL");
});

function borela(...args: string[]) {
  return runBorela(args, { cwd: root, env: { ...process.env, BORELA_SERVER: core.url, BORELA_ADMIN_TOKEN: core.adminToken, BORELA_LOG_LEVEL: "warn" }, timeoutMs: 60_000 });
}

interface Drill {
  id: string;
  status: string;
  trigger: string;
  database: string | null;
  report: { database: string; error?: string | null; tables: Record<string, number>; layout: string | null; litestreamVersion: string | null };
}

it("a ping-only project is drilled on its stored replica: first drill, API and CLI drills pass with litestream restore's counts; a flipped byte fails naming the file", async () => {
  const started = Date.now();
  const p = await core.createProject("stored-drill", { staleAfterSeconds: 15, heartbeatGraceSeconds: 90 });
  const replica = path.join(tmp.path, "replica");
  expect((await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl: `file://${replica}` } })).status).toBe(200);
  const pingLine = ((await core.api("GET", `/api/v1/projects/${p.id}`)).body as { pingLine: string }).pingLine;
  // Before Litestream's first sync the directory does not exist: awaited (unknown, no incident), not an error.
  const awaited = await waitFor(async () => {
    const d = (await core.api<{ status: string; statusReasons: string[] }>("GET", `/api/v1/projects/${p.id}`)).body;
    return d.statusReasons.some((r) => r.includes("does not exist yet: Litestream creates it on its first sync")) ? d : null;
  }, { timeoutMs: 10_000, what: "the awaited directory's reason" });
  expect(awaited.status).toBe("unknown");
  expect((await core.api<unknown[]>("GET", `/api/v1/projects/${p.id}/incidents?open=true`)).body).toEqual([]);

  const db = seededDatabase(path.join(tmp.path, "app"));
  const live = replicateToFile05(tmp.path, db, replica, [pingLine, `snapshot: { interval: 1h }`]);
  child = live.child;
  const { lines } = live;
  const client = openReplicaClient({ type: "file", path: replica });
  const maxTxid = async () => Math.max(0, ...(await client.list().catch(() => ({ ltx: [] as { maxTXID: number }[] }))).ltx.map((f) => f.maxTXID));
  const snapshotted = await waitFor(async () => ((await client.list().catch(() => ({ ltx: [] as { level: number }[] }))).ltx.some((f) => f.level === 9) ? true : null), {
    timeoutMs: 20_000,
    what: `a snapshot in the replica (litestream: ${lines.join("").slice(-300)})`,
  });
  expect(snapshotted).toBe(true);
  const before = await maxTxid();
  addRows(db, 4, 9);
  await waitFor(async () => ((await maxTxid()) > before ? true : null), { timeoutMs: 20_000, what: "the new rows in the replica" });

  // Fresh on Litestream's own ping and the core's listing; the first drill follows from that alone.
  const first = await waitFor(async () => {
    const list = (await core.api<Drill[]>("GET", `/api/v1/projects/${p.id}/drills`)).body;
    const d = list.find((x) => x.trigger === "first");
    return d && d.status !== "queued" && d.status !== "running" ? d : null;
  }, { timeoutMs: 60_000, intervalMs: 500, what: `the first drill (litestream: ${lines.join("").slice(-300)})` });
  const detail = async () => (await core.api<{ status: string; statusReasons: string[]; databases: unknown[] }>("GET", `/api/v1/projects/${p.id}`)).body;
  expect((await detail()).status).toBe("fresh");
  child.kill("SIGTERM");
  await new Promise((r) => (child!.exitCode !== null ? r(null) : child!.once("exit", r)));

  const counts = tableCounts(db);
  const plainOut = path.join(tmp.path, "plain.sqlite3");
  expect(await restore05(path.join(tmp.path, "plain"), { type: "file", path: replica }, plainOut)).toBeNull();
  const plain = tableCounts(plainOut);
  expect(first.report.error ?? null).toBeNull();
  expect(first.status).toBe("passed");
  expect(first.database).toBe("replica replica");
  expect(first.report.layout).toBe("ltx");
  expect(first.report.litestreamVersion).toBe("v0.5.16");
  expect(first.report.tables).toEqual(plain);
  expect(first.report.tables).toEqual(counts);
  expect(first.report.tables.orders).toBe(40 + 9);

  // The project list's Restore column reads the stored replica's drill.
  const listed = async () => (await core.api<{ name: string; drillStatus: string }[]>("GET", "/api/v1/projects")).body;
  expect((await listed()).find((x) => x.name === "stored-drill")?.drillStatus).toBe("passed");
  // The paged list filters on the same drill status (its ordering rows read it in SQL).
  const passedPage = (await core.api<{ projects: { name: string }[] }>("GET", "/api/v1/projects?status=passed&limit=10")).body.projects;
  expect(passedPage.map((x) => x.name)).toContain("stored-drill");

  // The CLI's drill of the same project passes with the same counts.
  const cli = await borela("drill", "run", "stored-drill", "--wait");
  expect(cli.stderr).toBe("");
  expect(cli.code).toBe(0);
  expect(cli.stdout).toContain("[replica replica] PASSED\n");
  for (const [table, n] of Object.entries(plain)) expect(cli.stdout).toMatch(new RegExp(`\\n  ${table} +${n}\\n`));

  // `borela restore` of the project restores the same stored replica, as litestream restore does.
  const restoredOut = path.join(tmp.path, "restored-by-borela.sqlite3");
  const restored = await borela("restore", "stored-drill", "-o", restoredOut);
  expect(restored.stderr).toBe("");
  expect(restored.code).toBe(0);
  expect(tableCounts(restoredOut)).toEqual(plain);

  // The weekly schedule fires for it too (its fire time moved to the past rather than waited for).
  await core.store.project.update({ where: { id: p.id }, data: { nextDrillAt: new Date(Date.now() - 1000) } });
  await core.app.drills.scheduleTick();
  const scheduled = (await core.api<Drill[]>("GET", `/api/v1/projects/${p.id}/drills`)).body.find((d) => d.trigger === "schedule");
  expect(scheduled?.database).toBe("replica replica");
  await core.app.drills.tick([scheduled!.id]);
  const ran = (await core.api<Drill>("GET", `/api/v1/drills/${scheduled!.id}`)).body;
  expect(ran.status).toBe("passed");
  expect(ran.report.tables).toEqual(plain);

  // Drilled like any project, yet judged as agentless.ts decides: no Database row, no agent path.
  const after = await detail();
  expect(after.databases).toEqual([]);
  expect(after.status).toBe("fresh");
  expect(await core.store.database.count({ where: { projectId: p.id } })).toBe(0);

  // A flipped byte in the snapshot: the API's drill fails naming the file, and the drill incident opens.
  const { ltx } = await client.list();
  const snapshot = ltx.find((f) => f.level === 9)!;
  const bytes = readFileSync(snapshot.key);
  bytes[bytes.length - 40] ^= 0x10;
  writeFileSync(snapshot.key, bytes);
  const damaged = (await runDrillNow(core, p.id)) as Drill;
  expect(damaged.status).toBe("failed");
  expect(damaged.report.error).toContain(snapshot.name);
  expect(damaged.report.error).toMatch(/backup is damaged: LTX file level 9 .* file checksum mismatch/);
  expect(await restore05(path.join(tmp.path, "plain-damaged"), { type: "file", path: replica }, path.join(tmp.path, "plain-damaged.sqlite3"))).toMatch(/checksum mismatch/);
  const incidents = (await core.api<{ kind: string; reason: string }[]>("GET", `/api/v1/projects/${p.id}/incidents?open=true`)).body;
  expect(incidents.find((i) => i.kind === "drill_failed")?.reason).toContain(`drill of replica replica failed: `);
  expect((await listed()).find((x) => x.name === "stored-drill")?.drillStatus).toBe("failed");


  // Another project storing the same directory is refused at once; one stored before that check existed
  // makes the replica belong to neither as far as drills go.
  const other = await core.createProject("stored-drill-twin");
  const refused = await core.api<{ message: string }>("PATCH", `/api/v1/projects/${other.id}`, { body: { replicaUrl: `file://${replica}` } });
  expect(refused.status).toBe(400);
  expect(refused.body.message).toMatch(/^replicaUrl: .* stored on another project \("stored-drill"\)/);
  await core.store.project.update({ where: { id: other.id }, data: { replicaUrl: `file://${replica}` } });
  const twin = (await runDrillNow(core, other.id)) as Drill;
  expect(twin.status).toBe("failed");
  expect(twin.report.error).toMatch(/is also stored on another project \("stored-drill"\)/);
  expect(Date.now() - started).toBeLessThan(90_000);
}, 120_000);
