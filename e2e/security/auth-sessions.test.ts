// Issue 13: "sessions survive an admin token change and there is no
// sign-out-everywhere or password change". The core runs as a real
// `borela serve` process on 127.0.0.1 and is restarted on the same data dir:
// with the same BORELA_ADMIN_TOKEN sessions stay, with another they end.
// Changing the password ends every session; sessions are listed and revoked
// one by one or all at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startCoreProcess, stopProcess, type CoreProcess } from "../support/core-process.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "borela-auth-sessions-"));
const FIRST_TOKEN = "bradm_first_admin_token_for_sessions";
const SECOND_TOKEN = "bradm_second_admin_token_for_sessions";
let core: CoreProcess | null = null;

async function restart(adminToken: string): Promise<CoreProcess> {
  if (core) await stopProcess(core.child);
  core = await startCoreProcess({ BORELA_DATA_DIR: dataDir, BORELA_ADMIN_TOKEN: adminToken });
  return core;
}

async function call(method: string, url: string, auth: { bearer?: string; cookie?: string } = {}, body?: unknown) {
  const headers: Record<string, string> = { "user-agent": "borela-auth-sessions-test" };
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(core!.url + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

function cookieOf(headers: Headers): string {
  const line = headers.getSetCookie().find((c) => c.startsWith("borela_session=") && !c.startsWith("borela_session=;"));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(headers.getSetCookie())}`);
  return line.split(";")[0];
}

async function signIn(credential: { token: string } | { password: string }): Promise<string> {
  const res = await call("POST", "/api/v1/session", {}, credential);
  expect(res.status).toBe(200);
  return cookieOf(res.headers);
}

const works = async (cookie: string) => (await call("GET", "/api/v1/projects", { cookie })).status;

beforeAll(async () => {
  await restart(FIRST_TOKEN);
});
afterAll(async () => {
  if (core) await stopProcess(core.child);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("sessions and the admin token", () => {
  it("a restart with the same admin token keeps sessions; one with another token ends them all", async () => {
    const set = await call("POST", "/api/v1/session/password", {}, { adminToken: FIRST_TOKEN, password: "first password here" });
    expect(set.status).toBe(201);
    const byToken = await signIn({ token: FIRST_TOKEN });
    const byPassword = await signIn({ password: "first password here" });
    expect([await works(byToken), await works(byPassword)]).toEqual([200, 200]);

    await restart(FIRST_TOKEN);
    expect([await works(byToken), await works(byPassword)]).toEqual([200, 200]);

    await restart(SECOND_TOKEN);
    const ended = await call("GET", "/api/v1/projects", { cookie: byToken });
    expect(ended.status).toBe(401);
    expect(ended.body.message).toContain("the session has ended");
    // The ended cookie is cleared, so the browser stops sending it.
    expect(ended.headers.getSetCookie().some((c) => c.startsWith("borela_session=;"))).toBe(true);
    expect(await works(byPassword)).toBe(401);
    expect((await call("GET", "/api/v1/sessions", { bearer: SECOND_TOKEN })).body).toEqual([]);
    expect((await call("GET", "/api/v1/projects", { bearer: FIRST_TOKEN })).status).toBe(401);
    expect((await call("GET", "/api/v1/projects", { bearer: SECOND_TOKEN })).status).toBe(200);
  }, 150_000); // two real restarts of `borela serve`: each can take 20 s and more on a loaded 2-core machine
});

describe("sessions and the password", () => {
  it("changing the password needs the current password or the admin token, and ends every other session", async () => {
    const a = await signIn({ token: SECOND_TOKEN });
    const b = await signIn({ password: "first password here" });

    const wrong = await call("PUT", "/api/v1/session/password", {}, { currentPassword: "not the password", password: "second password here" });
    expect(wrong.status).toBe(401);
    const neither = await call("PUT", "/api/v1/session/password", { cookie: a }, { password: "second password here" });
    expect(neither.status).toBe(400);
    expect([await works(a), await works(b)]).toEqual([200, 200]);

    const changed = await call("PUT", "/api/v1/session/password", {}, { currentPassword: "first password here", password: "second password here" });
    expect(changed.status).toBe(200);
    const c = cookieOf(changed.headers);
    expect([await works(a), await works(b), await works(c)]).toEqual([401, 401, 200]);
    expect((await call("POST", "/api/v1/session", {}, { password: "first password here" })).status).toBe(401);
    await signIn({ password: "second password here" });

    // With the admin token instead of the current password (a forgotten password).
    const reset = await call("PUT", "/api/v1/session/password", {}, { adminToken: SECOND_TOKEN, password: "third password here" });
    expect(reset.status).toBe(200);
    expect(await works(c)).toBe(401);
    expect(await works(cookieOf(reset.headers))).toBe(200);
    await signIn({ password: "third password here" });
  });
});

describe("listing, revoking, signing out everywhere", () => {
  it("lists sessions without their secrets, revokes one, then ends them all", async () => {
    await call("DELETE", "/api/v1/sessions", { bearer: SECOND_TOKEN });
    const mine = await signIn({ token: SECOND_TOKEN });
    const other = await signIn({ token: SECOND_TOKEN });
    const unauthenticated = await call("GET", "/api/v1/sessions");
    expect(unauthenticated.status).toBe(401);

    const list = await call("GET", "/api/v1/sessions", { cookie: mine });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    for (const s of list.body) {
      expect(s).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{64}$/), userAgent: "borela-auth-sessions-test", address: "127.0.0.1" });
      expect(JSON.stringify(s)).not.toContain(mine.split("=")[1]);
      expect(JSON.stringify(s)).not.toContain(other.split("=")[1]);
    }
    const otherId = list.body.find((s: { current: boolean }) => !s.current).id;
    expect((await call("DELETE", `/api/v1/sessions/${otherId}`, { cookie: mine })).status).toBe(204);
    expect((await call("DELETE", `/api/v1/sessions/${otherId}`, { cookie: mine })).status).toBe(404);
    expect([await works(mine), await works(other)]).toEqual([200, 401]);
    expect((await call("DELETE", "/api/v1/sessions/not-an-id", { cookie: mine })).status).toBe(400);

    const third = await signIn({ token: SECOND_TOKEN });
    const everywhere = await call("DELETE", "/api/v1/sessions", { cookie: mine });
    expect(everywhere.status).toBe(200);
    expect(everywhere.body).toEqual({ ended: 2 });
    expect([await works(mine), await works(third)]).toEqual([401, 401]);
    expect((await call("GET", "/api/v1/sessions", { bearer: SECOND_TOKEN })).body).toEqual([]);
  });
});
