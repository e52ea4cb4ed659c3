// A stopping core does not work through its backlog of evaluations (100,000 projects turning fresh made
// SIGTERM wait for minutes): stop() drops the ones not begun. Nothing is lost: each came from a write that
// cleared its project's sweepAt, so the next sweep finds every dropped project due.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../support/core-server.ts";

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
  const answers = await Promise.all(projects.map((p) => core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })));
  expect(answers.map((a) => a.status)).toEqual(projects.map(() => 201));

  await core.app.sweeper.stop();
  const due = new Set(await core.app.sweeper.store.reads.due(new Date()));
  const statuses = new Map<string, string>();
  for (const p of projects) statuses.set(p.id, (await core.api("GET", `/api/v1/projects/${p.id}`)).body.status);
  const dropped = projects.filter((p) => statuses.get(p.id) !== "fresh");
  // The evaluations waited EVALUATE_DELAY_MS: most had not begun.
  expect(dropped.length).toBeGreaterThan(40);
  for (const p of dropped) expect(due.has(p.id), `project ${p.name} (${statuses.get(p.id)}) is due for the next sweep`).toBe(true);

  // A stopped sweeper queues nothing more.
  core.app.sweeper.evaluate(projects[0].id);
  await core.app.sweeper.idle();
  expect((await core.api("GET", `/api/v1/projects/${projects[0].id}`)).body.status).toBe(statuses.get(projects[0].id));
});
