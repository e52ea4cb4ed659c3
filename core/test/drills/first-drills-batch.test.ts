// First drills are looked at in batches (drills/service.ts firstDrills, from the first-drill queue): two
// reads for the batch instead of two per project, which at 100,000 projects turning fresh at once were most
// of a core's Prisma work. The batch keeps the per-project rules: a readable replica gets its drill and its
// claim, an unreadable one is left to the schedule, a project whose look fails is logged and skipped while the
// rest of its batch goes on, and a second look queues nothing. A real core on SQLite.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { newId } from "../../src/store/ids.ts";
import { FIRST_DRILL_BATCH } from "../../src/drills/first-drill.ts";
import { useTestCore } from "../support/use-core.ts";
import { useTmpDir } from "../support/use-tmp.ts";

const core = useTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "info" });
const tmp = useTmpDir("borela-first-drills-");

it("one batch: readable replicas get one first drill each and their claims; unreadable and failing projects do not stop the rest", async () => {
  const store = core.app.store;
  const projects = [];
  for (let i = 0; i < FIRST_DRILL_BATCH; i++) projects.push(await core.createProject(`batch-${String(i).padStart(2, "0")}`));
  const [unreadable, failing, ...readable] = projects;
  for (const p of projects) {
    const dbId = newId();
    const replica = path.join(tmp.path, p.id);
    mkdirSync(replica);
    const url = p === unreadable || p === failing ? `s3://their-bucket/${p.id}` : `file://${replica}`;
    await store.database.create({ data: { id: dbId, projectId: p.id, name: "app", path: "/data/app.sqlite3", lastHeartbeatAt: new Date() } });
    await store.replica.create({ data: { id: newId(), databaseId: dbId, type: url.startsWith("s3") ? "s3" : "file", url } });
    await store.project.update({ where: { id: p.id }, data: { status: "fresh" } });
  }
  // Stored read credentials that this core's key cannot open: the look at this project throws.
  await store.storageCredential.create({ data: { id: newId(), projectId: failing.id, bucket: "their-bucket", accessKeyIdEnc: "v1:not-sealed", secretKeyEnc: "v1:not-sealed" } });

  const queued = await core.app.drills.firstDrills(projects.map((p) => p.id));
  expect([...queued.keys()].sort()).toEqual(readable.map((p) => p.id).sort());
  for (const ids of queued.values()) expect(ids).toHaveLength(1);
  const first = await store.drill.findMany({ where: { trigger: "first" }, select: { projectId: true } });
  expect(first.map((d) => d.projectId).sort()).toEqual(readable.map((p) => p.id).sort());
  const claims = await store.setting.findMany({ where: { key: { startsWith: "first-drill:" } } });
  expect(claims.map((c) => c.key.slice("first-drill:".length)).sort()).toEqual(readable.map((p) => p.id).sort());
  expect(core.logs()).toContain("first drill not queued");
  expect(core.logs()).toContain(failing.id);

  // A second look: the claimed ones have their drill, the others are still not drillable.
  expect((await core.app.drills.firstDrills(projects.map((p) => p.id))).size).toBe(0);
  expect(await store.drill.count({ where: { trigger: "first" } })).toBe(readable.length);
}, 60_000);
