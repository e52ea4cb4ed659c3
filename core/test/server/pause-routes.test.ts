// POST and DELETE /api/v1/projects/:id/pause through a real core: the project
// JSON carries pausedUntil and pauseReason, its reasons say "paused until …",
// the badge says paused, "Will someone hear?" says alerts are held; bad input is a 400 naming the field, an unknown
// project a 404, no token a 401.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const hhmm = (iso: string) => iso.slice(11, 16);

describe("pause routes", () => {
  it("pause shows in the detail, the list and the badge; DELETE lifts it", async () => {
    const p = await core.createProject("pausable");
    const until = inMinutes(60);
    const paused = await core.api("POST", `/api/v1/projects/${p.id}/pause`, { body: { until, reason: "migrating" } });
    expect(paused.status).toBe(200);
    expect(paused.body.pausedUntil).toBe(until);
    expect(paused.body.pauseReason).toBe("migrating");
    const today = until.slice(0, 10) === new Date().toISOString().slice(0, 10);
    expect(paused.body.statusReasons[0]).toBe(`paused until ${today ? "" : `${until.slice(0, 10)} `}${hhmm(until)} UTC: migrating`);
    // The verdict goes on being computed: still the project's own status.
    expect(paused.body.status).toBe("unknown");
    expect(paused.body.statusReasons[1]).toBe("no heartbeat received yet");
    const listed = (await core.api("GET", "/api/v1/projects")).body.find((x: { id: string }) => x.id === p.id);
    expect(listed).toMatchObject({ pausedUntil: until, pauseReason: "migrating" });
    const badge = await core.api("GET", paused.body.badgePath, { token: null });
    expect(badge.body).toContain("unknown, paused");
    // "Will someone hear?" says the alerts are held, whatever channels there are.
    expect(paused.body.alerting.warning).toMatch(new RegExp(`^paused until [^:]*${hhmm(until)} UTC: migrating — alerts are held until then\\.`));

    const lifted = await core.api("DELETE", `/api/v1/projects/${p.id}/pause`);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ pausedUntil: null, pauseReason: null, statusReasons: ["no heartbeat received yet"] });
    expect((await core.api("GET", paused.body.badgePath, { token: null })).body).not.toContain("paused");
    expect(lifted.body.alerting.warning ?? "").not.toContain("paused");
    // Lifting again changes nothing.
    expect((await core.api("DELETE", `/api/v1/projects/${p.id}/pause`)).body.pausedUntil).toBeNull();
  });

  it("a pause without a reason says only until when", async () => {
    const p = await core.createProject("pausable-quiet");
    const res = await core.api("POST", `/api/v1/projects/${p.id}/pause`, { body: { until: inMinutes(90) } });
    expect(res.status).toBe(200);
    expect(res.body.pauseReason).toBeNull();
    expect(res.body.statusReasons[0]).toMatch(/^paused until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC$/);
  });

  it("bad input is a 400 naming the field", async () => {
    const p = await core.createProject("pausable-bad");
    const cases: [unknown, RegExp][] = [
      [{ until: inMinutes(-1) }, /^body\/until must be in the future/],
      [{ until: inMinutes(30 * 24 * 60 + 5) }, /^body\/until must be at most 30 days ahead$/],
      [{ until: "tomorrow at two" }, /^body\/until must be an ISO 8601 date-time with a time zone/],
      [{}, /^body must have required property 'until'$/],
      [{ until: inMinutes(60), reason: "x".repeat(201) }, /^body\/reason must NOT have more than 200 characters$/],
      [{ until: inMinutes(60), reason: "line\nbreak" }, /^body\/reason must not contain control characters/],
      [{ until: inMinutes(60), mute: true }, /^body has unknown field "mute"$/],
    ];
    for (const [body, message] of cases) {
      const res = await core.api("POST", `/api/v1/projects/${p.id}/pause`, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe("bad_request");
      expect(res.body.message).toMatch(message);
    }
    expect((await core.api("GET", `/api/v1/projects/${p.id}`)).body.pausedUntil).toBeNull();
  });

  it("an unknown project is a 404, no token a 401", async () => {
    const post = await core.api("POST", "/api/v1/projects/nope/pause", { body: { until: inMinutes(60) } });
    expect(post.status).toBe(404);
    expect(post.body).toEqual({ error: "not_found", message: "project nope not found" });
    expect((await core.api("DELETE", "/api/v1/projects/nope/pause")).status).toBe(404);
    const p = await core.createProject("pausable-auth");
    expect((await core.api("POST", `/api/v1/projects/${p.id}/pause`, { token: null, body: { until: inMinutes(60) } })).status).toBe(401);
    expect((await core.api("DELETE", `/api/v1/projects/${p.id}/pause`, { token: null })).status).toBe(401);
    expect((await core.api("POST", `/api/v1/projects/${p.id}/pause`, { token: p.agentToken, body: { until: inMinutes(60) } })).status).toBe(401);
    expect((await core.api("GET", `/api/v1/projects/${p.id}`)).body.pausedUntil).toBeNull();
  });
});
