// Dashboard sign-in through the real core: admin token or first-run password,
// cookie flags, sessions stored as hashes, logout, and the failure limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { PASSWORD_SETTING } from "../../src/server/sessions.ts";

function sessionCookie(headers: Headers): { value: string; attributes: string[] } {
  const line = headers.getSetCookie().find((c) => c.startsWith("borela_session="));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(headers.getSetCookie())}`);
  const [pair, ...attributes] = line.split(/;\s*/);
  return { value: pair.slice("borela_session=".length), attributes: attributes.map((a) => a.toLowerCase()) };
}

const withCookie = (value: string) => ({ token: null, headers: { cookie: `borela_session=${value}` } });

describe("sessions", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore();
  });
  afterAll(async () => {
    await core?.close();
  });

  it("signs in with the admin token and sets an httpOnly, SameSite=Strict cookie", async () => {
    expect((await core.api("GET", "/api/v1/session", { token: null })).body).toEqual({ signedIn: false, passwordSet: false });
    expect((await core.api("GET", "/api/v1/projects", { token: null })).status).toBe(401);

    const wrong = await core.api("POST", "/api/v1/session", { token: null, body: { token: "bradm_wrong" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: "unauthorized", message: "wrong admin token" });
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const ok = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    expect(ok.status).toBe(200);
    const cookie = sessionCookie(ok.headers);
    expect(cookie.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/", `max-age=${7 * 86400}`]));
    expect(cookie.attributes).not.toContain("secure");

    expect((await core.api("GET", "/api/v1/projects", withCookie(cookie.value))).status).toBe(200);
    expect((await core.api("GET", "/api/v1/session", withCookie(cookie.value))).body).toEqual({ signedIn: true, passwordSet: false });
    expect((await core.api("GET", "/api/v1/projects", withCookie(cookie.value.slice(0, -2) + "xx"))).status).toBe(401);

    const rows = await core.store.session.findMany();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.id.includes(cookie.value))).toBe(false);
    expect(core.logs()).not.toContain(cookie.value);
  });

  it("sets the first password only with the admin token, stores it scrypt-hashed, then signs in with it", async () => {
    const password = "correct horse battery";
    expect((await core.api("POST", "/api/v1/session", { token: null, body: { password } })).status).toBe(401);
    const badToken = await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: "nope", password } });
    expect(badToken.status).toBe(401);
    expect((await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password: "short" } })).status).toBe(400);

    const set = await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password } });
    expect(set.status).toBe(201);
    expect((await core.api("GET", "/api/v1/projects", withCookie(sessionCookie(set.headers).value))).status).toBe(200);

    const stored = await core.store.setting.findUnique({ where: { key: PASSWORD_SETTING } });
    expect(stored!.value).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    expect(stored!.value).not.toContain(password);

    const again = await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password: "another password" } });
    expect(again.status).toBe(409);
    expect((await core.api("GET", "/api/v1/session", { token: null })).body.passwordSet).toBe(true);

    expect((await core.api("POST", "/api/v1/session", { token: null, body: { password: "wrong password!" } })).status).toBe(401);
    const ok = await core.api("POST", "/api/v1/session", { token: null, body: { password } });
    expect(ok.status).toBe(200);
    expect((await core.api("GET", "/api/v1/projects", withCookie(sessionCookie(ok.headers).value))).status).toBe(200);
    expect(core.logs()).not.toContain(password);
  });

  it("rejects a body with both or neither credential", async () => {
    expect((await core.api("POST", "/api/v1/session", { token: null, body: {} })).status).toBe(400);
    expect((await core.api("POST", "/api/v1/session", { token: null, body: { token: "a", password: "b" } })).status).toBe(400);
  });

  it("logout deletes the session and clears the cookie", async () => {
    const ok = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    const { value } = sessionCookie(ok.headers);
    const out = await core.api("DELETE", "/api/v1/session", withCookie(value));
    expect(out.status).toBe(204);
    const cleared = sessionCookie(out.headers);
    expect(cleared.value).toBe("");
    expect(cleared.attributes.some((a) => a.startsWith("expires=thu, 01 jan 1970"))).toBe(true);
    expect((await core.api("GET", "/api/v1/projects", withCookie(value))).status).toBe(401);
  });

  it("logout with a JSON content type and no body signs out (curl -X DELETE -H 'content-type: application/json')", async () => {
    const ok = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    const { value } = sessionCookie(ok.headers);
    const res = await fetch(`${core.url}/api/v1/session`, { method: "DELETE", headers: { cookie: `borela_session=${value}`, "content-type": "application/json" } });
    expect(res.status).toBe(204);
    expect((await core.api("GET", "/api/v1/projects", withCookie(value))).status).toBe(401);
    // A route that needs a body still names it.
    const empty = await fetch(`${core.url}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json", "content-length": "0" } });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { message: string }).message).toMatch(/body/);
  });

  it("an expired session no longer signs in", async () => {
    const ok = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    const { value } = sessionCookie(ok.headers);
    expect((await core.api("GET", "/api/v1/projects", withCookie(value))).status).toBe(200);
    await core.store.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await core.api("GET", "/api/v1/projects", withCookie(value))).status).toBe(401);
  });
});

describe("sign-in limits and https", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore({ BORELA_AUTH_FAILURES_PER_MINUTE: "3", BORELA_PUBLIC_URL: "https://borela.example.com" });
  });
  afterAll(async () => {
    await core?.close();
  });

  it("marks the cookie Secure when the public URL is https", async () => {
    const ok = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    expect(sessionCookie(ok.headers).attributes).toContain("secure");
  });

  it("answers 429 after too many failures, but the right token still signs in (issue 13)", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await core.api("POST", "/api/v1/session", { token: null, body: { token: `wrong-${i}` } })).status).toBe(401);
    }
    const blocked = await core.api("POST", "/api/v1/session", { token: null, body: { token: "wrong-again" } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.headers.getSetCookie()).toEqual([]);
    const right = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    expect(right.status).toBe(200);
    const password = await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password: "long enough password" } });
    expect(password.status).toBe(201);
    // A password may be guessable: from a blocked address it is not even compared, right or wrong.
    expect((await core.api("POST", "/api/v1/session", { token: null, body: { password: "long enough password" } })).status).toBe(429);
  });
});
