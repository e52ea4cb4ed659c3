// Issue 20 (CPU per core): the embedded queue's poll (every second, on every core) first asks one raw
// indexed question, "is any drill queued or running?", and runs its Prisma reads only when one is: an idle
// poll costs no Prisma query. A drill whose worker died (running, lease run out) is still handled by the poll.
import { describe, expect, it } from "vitest";
import { createEmbeddedQueue } from "../../src/drills/embedded-queue.ts";
import { MAX_ATTEMPTS } from "../../src/drills/execute.ts";
import { loadConfig } from "../../src/config.ts";
import { newId } from "../../src/store/ids.ts";
import { seedProject, silentLogger, useTempStores } from "../alerts/fixtures.ts";
import { countedStore } from "../support/counted-store.ts";

const stores = useTempStores();

describe("embedded drill queue poll", () => {
  it("runs no Prisma read while no drill is queued or running, and still ends a drill whose worker died", async () => {
    const { store: raw, dir } = await stores.open();
    const { store, calls } = countedStore(raw);
    const config = loadConfig({ BORELA_DATA_DIR: dir.path });
    const queue = createEmbeddedQueue({ store, config, logger: silentLogger as never }, "test-worker");
    const p = await seedProject(raw, "polled");
    await raw.drill.create({ data: { id: newId(), projectId: p.projectId, status: "passed", finishedAt: new Date() } });

    for (let i = 0; i < 3; i++) await queue.tick();
    expect(calls).toEqual([]);

    // Its worker died on the last attempt: the poll ends it as an error.
    const dead = newId();
    await raw.drill.create({ data: { id: dead, projectId: p.projectId, status: "running", attempts: MAX_ATTEMPTS, workerId: "gone", leaseUntil: new Date(Date.now() - 1_000) } });
    await queue.tick();
    expect(calls).toContain("drill.findMany");
    expect((await raw.drill.findUniqueOrThrow({ where: { id: dead } })).status).toBe("error");

    calls.length = 0;
    await queue.tick();
    expect(calls).toEqual([]);
    await queue.stop();
  });
});
