// Issue 13, "Lock-out by anyone": the brute-force guard checked the client
// address before the credential, so 32 bad requests from one address made a
// valid admin token, a valid session and valid agents all get 429 (and behind
// a reverse proxy every client shares one address). Now a valid credential is
// never answered 429 because others failed; BORELA_TRUST_PROXY counts clients
// behind a proxy by their forwarded address. A real core on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, heartbeat, type TestCore } from "../../core/test/support/core-server.ts";

const BAD_REQUESTS = 40;

function sessionCookie(headers: Headers): string {
  const line = headers.getSetCookie().find((c) => c.startsWith("borela_session="));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(headers.getSetCookie())}`);
  return line.split(";")[0];
}

/** Bad attempts from the caller's address, wrong admin and agent tokens in turn. Bounded: `count` requests. */
async function failMany(core: TestCore, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res =
      i % 2 === 0
        ? await core.api("GET", "/api/v1/projects", { token: `bradm_guess_${i}`, headers })
        : await core.api("POST", "/api/v1/heartbeats", { token: `bra_guess_${i}`, body: heartbeat(), headers });
    statuses.push(res.status);
  }
  return statuses;
}

describe("lock-out by anyone (one address, no proxy)", () => {
  let core: TestCore;
  let project: { id: string; agentToken: string };
  let cookie: string;

  beforeAll(async () => {
    core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
    project = await core.createProject("lockout");
    await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password: "the right password" } });
    const signedIn = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    cookie = sessionCookie(signedIn.headers);
  });
  afterAll(async () => {
    await core?.close();
  });

  it(`after ${BAD_REQUESTS} bad requests from 127.0.0.1, the bad requester gets 429 and every valid credential still gets in`, async () => {
    const statuses = await failMany(core, BAD_REQUESTS);
    // The default limit is 30 failures a minute: the first 30 are plain 401s, the rest 429.
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    expect((await core.api("GET", "/api/v1/projects", { token: "bradm_guess_more" })).status).toBe(429);
    expect((await core.api("POST", "/api/v1/heartbeats", { token: "bra_guess_more", body: heartbeat() })).status).toBe(429);

    const admin = await core.api("GET", "/api/v1/projects");
    expect(admin.status).toBe(200);
    const session = await core.api("GET", "/api/v1/projects", { token: null, headers: { cookie } });
    expect(session.status).toBe(200);
    const agent = await core.api("POST", "/api/v1/heartbeats", { token: project.agentToken, body: heartbeat() });
    expect(agent.status).toBe(201);
    // Signing in with the admin token works from the blocked address too; the (guessable) password does not.
    const signIn = await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken } });
    expect(signIn.status).toBe(200);
    expect((await core.api("POST", "/api/v1/session", { token: null, body: { password: "the right password" } })).status).toBe(429);

    // The agent's heartbeat counted: the project is not silent.
    const view = await core.api("GET", `/api/v1/projects/${project.id}`);
    expect(view.body.lastHeartbeatAt).toEqual(expect.any(String));
    expect(view.body.status).not.toBe("silent");
    expect((await core.api("GET", "/api/v1/projects", { token: "bradm_still_guessing" })).status).toBe(429);
  });
});

describe("behind a reverse proxy (BORELA_TRUST_PROXY)", () => {
  let core: TestCore;
  beforeAll(async () => {
    // The proxy is the test itself on 127.0.0.1; clients are told apart by X-Forwarded-For (loopback values only).
    core = await startTestCore({ BORELA_LOG_LEVEL: "warn", BORELA_TRUST_PROXY: "127.0.0.1" });
    await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password: "the right password" } });
  });
  afterAll(async () => {
    await core?.close();
  });

  it("counts each forwarded client address separately", async () => {
    const attacker = { "x-forwarded-for": "127.0.0.66" };
    const neighbour = { "x-forwarded-for": "127.0.0.77" };
    expect((await failMany(core, BAD_REQUESTS, attacker)).at(-1)).toBe(429);
    expect((await core.api("GET", "/api/v1/projects", { token: "bradm_guess", headers: attacker })).status).toBe(429);

    // Another client behind the same proxy is not blocked: its failure is a plain 401, its password is compared.
    expect((await core.api("GET", "/api/v1/projects", { token: "bradm_typo", headers: neighbour })).status).toBe(401);
    const signIn = await core.api("POST", "/api/v1/session", { token: null, body: { password: "the right password" }, headers: neighbour });
    expect(signIn.status).toBe(200);
    expect((await core.api("GET", "/api/v1/sessions", { token: null, headers: { cookie: sessionCookie(signIn.headers) } })).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ address: "127.0.0.77", current: true })]),
    );
  });

  it("a hop count trusts the nearest proxy too", async () => {
    const hops = await startTestCore({ BORELA_LOG_LEVEL: "warn", BORELA_TRUST_PROXY: "1" });
    try {
      const attacker = { "x-forwarded-for": "127.0.0.66" };
      expect((await failMany(hops, BAD_REQUESTS, attacker)).at(-1)).toBe(429);
      expect((await hops.api("GET", "/api/v1/projects", { token: "bradm_guess", headers: { "x-forwarded-for": "127.0.0.77" } })).status).toBe(401);
    } finally {
      await hops.close();
    }
  });

  it("without BORELA_TRUST_PROXY a forged X-Forwarded-For changes nothing: the connection's address is counted", async () => {
    const direct = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
    try {
      for (let i = 0; i < BAD_REQUESTS; i++) {
        await direct.api("GET", "/api/v1/projects", { token: `bradm_guess_${i}`, headers: { "x-forwarded-for": `127.0.1.${i}` } });
      }
      expect((await direct.api("GET", "/api/v1/projects", { token: "bradm_guess", headers: { "x-forwarded-for": "127.0.2.1" } })).status).toBe(429);
      expect((await direct.api("GET", "/api/v1/projects")).status).toBe(200);
    } finally {
      await direct.close();
    }
  });
});
