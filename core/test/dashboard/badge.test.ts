// The public badge: no auth, found only by the project's badge key, its text
// and colour following the project's status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";
import { BADGE_COLOURS, badgeSvg } from "../../src/server/routes/badge.ts";
import { waitFor } from "../support/wait-for.ts";

describe("status badge", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore({ BORELA_SWEEP_INTERVAL_SECONDS: "1" });
  });
  afterAll(async () => {
    await core?.close();
  });

  it("shows unknown in grey, then fresh in green once heartbeats arrive, without auth", async () => {
    const p = await core.createProject("badged");
    const { badgePath } = (await core.api("GET", `/api/v1/projects/${p.id}`)).body;
    expect(badgePath).toMatch(/^\/badge\/[A-Za-z0-9_-]{24}\.svg$/);

    const first = await core.api("GET", badgePath, { token: null });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(first.headers.get("cache-control")).toMatch(/no-cache/);
    expect(first.body).toContain(">unknown</text>");
    expect(first.body).toContain(`fill="${BADGE_COLOURS.unknown}"`);

    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })).status).toBe(201);
    const fresh = await waitFor(async () => {
      const res = await core.api("GET", badgePath, { token: null });
      return res.body.includes(">fresh</text>") ? res.body : null;
    }, { what: "badge to say fresh" });
    expect(fresh).toContain(`fill="${BADGE_COLOURS.fresh}"`);
    expect(fresh).not.toContain("badged");
  });

  it("answers 404 for an unknown or malformed key", async () => {
    expect((await core.api("GET", "/badge/AAAAAAAAAAAAAAAAAAAAAAAA.svg", { token: null })).status).toBe(404);
    expect((await core.api("GET", "/badge/x.png", { token: null })).status).toBe(404);
  });

  it("escapes its text and sizes the message box to it", () => {
    const svg = badgeSvg("a<b", "x&y", "#000");
    expect(svg).toContain("a&#60;b");
    expect(svg).toContain("x&#38;y");
    const short = Number(/width="(\d+)"/.exec(badgeSvg("backup", "ok", "#000"))![1]);
    const long = Number(/width="(\d+)"/.exec(badgeSvg("backup", "unknown", "#000"))![1]);
    expect(long).toBeGreaterThan(short);
  });
});
