// Drift in storage and in the weekly proof: a corrupted snapshot, a removed
// WAL segment, a deleted generation, a drill that never ran. Each is found
// by a drill (or the schedule), alerts once naming the cause, and resolves
// once after the fix.
import { describe, expect, it } from "vitest";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { rm } from "node:fs/promises";
import path from "node:path";
import { drill, expectDrillAlert, expectDrillResolved, type Scenario } from "./world.ts";
import { backupsBucket } from "./bucket.ts";
import { useWorld } from "./use-world.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

const world = useWorld();

async function scenario(name: string, settings: Record<string, unknown> = {}) {
  // The agent is stopped while storage is damaged: a long grace keeps that from being a drift of its own.
  return world.scenario(name, { heartbeatGraceSeconds: 300, ...settings }, { litestream: "0.3" });
}

const { keys, getBytes, put } = backupsBucket(world);

/** Stops writes, the agent and the project's drills (the first one starts when it turns fresh) so storage holds still while a test damages it. */
async function quiesce(s: Scenario): Promise<void> {
  await s.writer?.stop();
  s.writer = null;
  // The last heartbeat must say "caught up": one that still reports pending frames turns the project
  // stale a few seconds after the agent stops, an alert of its own besides the drill's.
  await waitFor(
    async () => {
      const d = (await world.core.api("GET", `/api/v1/projects/${s.projectId}`)).body;
      return d.status === "fresh" && d.databases.every((db: any) => db.replicas.every((r: any) => r.pendingSince === null)) ? true : null;
    },
    { timeoutMs: 30_000, what: "the replica to catch up" },
  );
  await s.stopAgent();
  // The automatic first drill is queued when the project turns fresh: wait until it exists and has ended,
  // or it could fail on the damage below after a manual drill has passed, and reopen the incident.
  await waitFor(
    async () => {
      const drills = await world.core.store.drill.findMany({ where: { projectId: s.projectId }, select: { status: true } });
      return drills.length > 0 && drills.every((d) => !["queued", "running"].includes(d.status)) ? true : null;
    },
    { timeoutMs: 60_000, what: "the project's first drill to finish" },
  );
}

describe("drift in storage and in the proof", () => {
  it("6. the newest snapshot is corrupted → the next drill fails with the reason; repaired → passes", async () => {
    const s = await scenario("corrupt-snapshot");
    await quiesce(s);
    const [snapshot] = (await keys("corrupt-snapshot/app/")).filter((k) => k.includes("/snapshots/"));
    const good = await getBytes(snapshot);
    const bad = Buffer.from(good);
    for (let i = 16; i < bad.length - 8; i += 5) bad[i] ^= 0xa5;
    await put(snapshot, bad);
    const t0 = Date.now();
    const failed = await drill(world, s.projectId);
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(/restore failed|integrity|malformed|lz4|checksum|decompress/i);
    await expectDrillAlert(s, /^\[Borela\] DRILL FAILED: corrupt-snapshot \/ app/, /drill of app failed: /, t0);
    const detail = (await world.core.api("GET", `/api/v1/projects/${s.projectId}`)).body;
    expect(detail.lastDrill).toMatchObject({ status: "failed", error: failed.report.error });
    await put(snapshot, good);
    expect((await drill(world, s.projectId)).status).toBe("passed");
    await expectDrillResolved(s);
  });

  it("7. a WAL segment is removed from storage → the drill fails naming the hole, never a silent pass", async () => {
    const s = await scenario("wal-removed");
    await waitFor(async () => ((await keys("wal-removed/app/")).filter((k) => k.includes("/wal/")).length >= 3 ? true : null), {
      timeoutMs: 20_000,
      what: "three WAL segments in storage",
    });
    await quiesce(s);
    const wal = (await keys("wal-removed/app/")).filter((k) => k.includes("/wal/"));
    const victim = wal[Math.floor(wal.length / 2)];
    const saved = await getBytes(victim);
    await world.s3.client().send(new DeleteObjectCommand({ Bucket: "backups", Key: victim }));
    const t0 = Date.now();
    const failed = await drill(world, s.projectId);
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(/backup is damaged: WAL index \d+ of generation \w+ (is missing|has a hole)/);
    await expectDrillAlert(s, /^\[Borela\] DRILL FAILED: wal-removed \/ app/, /WAL index/, t0);
    await put(victim, saved);
    expect((await drill(world, s.projectId)).status).toBe("passed");
    await expectDrillResolved(s);
  });

  it("8. the generation is deleted from storage → the drill fails naming the missing backup; a new generation → passes", async () => {
    const s = await scenario("generation-deleted");
    await quiesce(s);
    for (const key of await keys("generation-deleted/app/")) {
      await world.s3.client().send(new DeleteObjectCommand({ Bucket: "backups", Key: key }));
    }
    const t0 = Date.now();
    const failed = await drill(world, s.projectId);
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(/^no backup found in s3:\/\/backups\/generation-deleted\/app/);
    await expectDrillAlert(s, /^\[Borela\] DRILL FAILED: generation-deleted \/ app/, /no backup found/, t0);
    // Litestream starts a fresh generation (with a snapshot) once its local shadow copy is gone.
    await rm(`${path.dirname(s.dbPath)}/.app.sqlite3-litestream`, { recursive: true, force: true });
    await s.startAgent();
    await waitFor(async () => ((await keys("generation-deleted/app/")).some((k) => k.includes("/snapshots/")) ? true : null), {
      timeoutMs: 20_000,
      what: "a new snapshot in storage",
    });
    // The drill judges storage against what the agent last saw: wait until a heartbeat reports the replica
    // caught up in a generation that storage holds (under load the snapshot lands well before that heartbeat).
    await waitFor(
      async () => {
        const d = (await world.core.api("GET", `/api/v1/projects/${s.projectId}`)).body;
        const stored = await keys("generation-deleted/app/");
        const r = d.databases[0]?.replicas[0];
        return d.status === "fresh" && r?.pendingSince === null && r.position && stored.some((k) => k.includes(`/${r.position.generation}/`)) ? true : null;
      },
      { timeoutMs: 30_000, what: "a heartbeat with the replica caught up in the new generation" },
    );
    const passed = await drill(world, s.projectId);
    expect(passed.status, JSON.stringify(passed.report)).toBe("passed");
    await expectDrillResolved(s);
  });

  it("9. no passing drill within the schedule plus grace → drill_overdue; a passing drill resolves it", async () => {
    const s = await scenario("never-drilled", { drillSchedule: "0 * * * *", drillGraceSeconds: 60 });
    // The project's automatic first drill (queued when it turned fresh) would end the overdue incident
    // before its alert: let it finish, then forget it, as for a project whose drills never ran.
    await waitFor(async () => ((await world.core.store.drill.count({ where: { projectId: s.projectId, status: { in: ["queued", "running"] } } })) === 0 ? true : null), {
      timeoutMs: 60_000,
      what: "the automatic first drill to finish",
    });
    await world.core.store.drill.deleteMany({ where: { projectId: s.projectId } });
    // As if the project had been created three hours ago and no drill had run since.
    await world.core.store.project.update({ where: { id: s.projectId }, data: { createdAt: new Date(Date.now() - 3 * 3600_000) } });
    const t0 = Date.now();
    await world.core.app.drills.scheduleTick();
    const incidents = (await world.core.api("GET", `/api/v1/projects/${s.projectId}/incidents`)).body;
    expect(incidents.map((i: any) => [i.kind, i.open])).toEqual([["drill_overdue", true]]);
    expect(incidents[0].reason).toMatch(/no passing drill since the project was created .* \(schedule "0 \* \* \* \*" plus 60s grace\)/);
    await expectDrillAlert(s, /^\[Borela\] DRILL OVERDUE: never-drilled — no passing drill/, /restore/, t0);
    expect((await drill(world, s.projectId)).status).toBe("passed");
    await expectDrillResolved(s);
  });
});
