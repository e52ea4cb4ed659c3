// Security tester, issue 13 follow-up: wrong passwords were also counted per
// password across all addresses, so 30 wrong guesses from 30 forwarded
// addresses made the RIGHT password answer 429 from every address ("too many
// failed sign-in attempts from this address", which was not even true). Now a
// right password from an address that is not itself blocked always signs in;
// distributed guessing is slowed per address (password-guard.ts). A real core
// on 127.0.0.1 behind BORELA_TRUST_PROXY=loopback; forwarded addresses are
// loopback values too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";

const PASSWORD = "the right password";
const PER_ADDRESS = 5;

describe("a right password is never held back by other addresses' wrong ones", () => {
  let core: TestCore;
  const signIn = (password: string, from: string) =>
    core.api("POST", "/api/v1/session", { token: null, body: { password }, headers: { "x-forwarded-for": from } });

  beforeAll(async () => {
    core = await startTestCore({ BORELA_LOG_LEVEL: "warn", BORELA_TRUST_PROXY: "loopback", BORELA_AUTH_FAILURES_PER_MINUTE: String(PER_ADDRESS) });
    const set = await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password: PASSWORD } });
    expect(set.status).toBe(201);
  });
  afterAll(async () => {
    await core?.close();
  });

  it("30 wrong passwords from 30 addresses: every one a 401, then the right password signs in from a fresh address", async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 30; n++) statuses.push((await signIn(`guess number ${n}`, `127.20.${n}.1`)).status);
    expect(statuses).toEqual(Array(30).fill(401));

    const owner = await signIn(PASSWORD, "127.21.0.1");
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ signedIn: true });
    // And from an address that guessed wrong once before the pressure began.
    expect((await signIn(PASSWORD, "127.20.0.1")).status).toBe(200);
  });

  it("under that pressure a guessing address gets one guess a minute, and the 429 says it is this address", async () => {
    // 127.20.29.1 guessed wrong after 4 x 5 wrong passwords a minute had arrived from everywhere.
    const again = await signIn("guess number 30", "127.20.29.1");
    expect(again.status).toBe(429);
    expect(again.body.message).toBe("too many failed sign-in attempts from this address; try again later");
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(50);
    // The right password from a fresh address is still compared at once.
    expect((await signIn(PASSWORD, "127.22.0.1")).status).toBe(200);
  });

  it("an address past its own limit is blocked, and only that address", async () => {
    const direct = await startTestCore({ BORELA_LOG_LEVEL: "warn", BORELA_TRUST_PROXY: "loopback", BORELA_AUTH_FAILURES_PER_MINUTE: String(PER_ADDRESS) });
    try {
      await direct.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: direct.adminToken, password: PASSWORD } });
      const from = (address: string, password: string) =>
        direct.api("POST", "/api/v1/session", { token: null, body: { password }, headers: { "x-forwarded-for": address } });
      const statuses: number[] = [];
      for (let i = 0; i < PER_ADDRESS + 2; i++) statuses.push((await from("127.23.0.1", `wrong ${i}`)).status);
      expect(statuses).toEqual([...Array(PER_ADDRESS).fill(401), 429, 429]);
      // Even the right password is not compared from the blocked address (it would tell a guesser it is right)…
      expect((await from("127.23.0.1", PASSWORD)).status).toBe(429);
      // …but from any other address it signs in.
      expect((await from("127.23.0.2", PASSWORD)).status).toBe(200);
    } finally {
      await direct.close();
    }
  });
});
