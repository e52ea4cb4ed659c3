// A stopping core does not work through its backlog of evaluations (100,000 projects turning fresh made
// SIGTERM wait for minutes): stop() drops the ones not begun. Nothing is lost: each came from a write that
// cleared its project's sweepAt, so the next sweep finds every dropped project due.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";
import { checkHeartbeat } from "../../src/reported-values.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

it("stop() drops the evaluations not begun, and the next sweep finds each dropped project due", async () => {
  const projects = [];
  for (let i = 0; i < 80; i++) projects.push(await core.createProject(`stop-${i}`));
  await core.app.sweeper.idle();
  // Heartbeats stored as the route stores them (the ingest clears sweepAt), their evaluations asked for and
  // the core stopping in the same turn of the loop: no evaluation has begun (they wait EVALUATE_DELAY_MS).
  for (const p of projects) await core.app.heartbeatIngest.ingest(p.id, checkHeartbeat(heartbeat() as HeartbeatPayload), new Date());
  for (const p of projects) core.app.sweeper.evaluate(p.id);
  await core.app.sweeper.stop();

  const due = new Set(await core.app.sweeper.store.reads.due(new Date()));
  for (const p of projects) {
    const { status } = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(status, `project ${p.name} was not evaluated`).not.toBe("fresh");
    expect(due.has(p.id), `project ${p.name} is due for the next sweep`).toBe(true);
  }

  // A stopped sweeper queues nothing more.
  core.app.sweeper.evaluate(projects[0].id);
  await core.app.sweeper.idle();
  expect((await core.api("GET", `/api/v1/projects/${projects[0].id}`)).body.status).not.toBe("fresh");
});
