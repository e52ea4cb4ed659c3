// Property-based abuse of every route the OpenAPI document lists: malformed,
// oversized and mutated requests, with and without valid tokens. The server
// must never answer 5xx, never show one project's data to another project's
// agent, and stay healthy. The number of requests is bounded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdirSync, writeFileSync } from "node:fs";
import { startTestCore, heartbeat, type TestCore } from "../../core/test/support/core-server.ts";

const RUNS = 1500;
let core: TestCore;
let a: { id: string; name: string; agentToken: string };
let b: { id: string; name: string; agentToken: string };
let routes: { method: string; path: string }[];
const seen = { requests: 0, fiveHundreds: 0, leaks: 0, byStatus: {} as Record<number, number> };

beforeAll(async () => {
  core = await startTestCore({ BORELA_AUTH_FAILURES_PER_MINUTE: "1000000", BORELA_RATE_LIMIT_PER_MINUTE: "1000000" });
  a = await core.createProject("alpha-private");
  b = await core.createProject("bravo");
  const hb = heartbeat();
  (hb.databases[0] as any).name = "alpha-secret-db";
  (hb.databases[0] as any).path = "/srv/alpha-secret.sqlite3";
  expect((await core.api("POST", "/api/v1/heartbeats", { token: a.agentToken, body: hb })).status).toBe(201);
  const doc = await core.api("GET", "/docs/json", { token: null });
  routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
});

afterAll(async () => {
  mkdirSync(".artifacts", { recursive: true });
  writeFileSync(".artifacts/fuzz.json", JSON.stringify({ ...seen, routes: routes?.length ?? 0 }, null, 2));
  await core?.close();
});

const paramValue = () =>
  fc.oneof(
    fc.constant("A"),
    fc.constant("B"),
    fc.string({ maxLength: 30 }),
    fc.constantFrom("..%2F..%2Fetc", "%00", "' OR 1=1 --", "x".repeat(500), "0", "-1"),
  );

const mutatedHeartbeat = fc
  .record({
    drop: fc.constantFrom("agentVersion", "sentAt", "databases", "errors", null),
    set: fc.constantFrom("sentAt", "databases", "errors", "agentVersion", "sequence"),
    value: fc.jsonValue({ maxDepth: 3 }),
  })
  .map(({ drop, set, value }) => {
    const hb: Record<string, unknown> = heartbeat();
    if (drop) delete hb[drop];
    hb[set] = value;
    return JSON.stringify(hb);
  });

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  mutatedHeartbeat,
  fc.string({ maxLength: 200 }),
  fc.constant(JSON.stringify({ name: "y".repeat(400_000) })),
  fc.constant('{"name": "unterminated'),
);

// Valid credentials most of the time, so requests get past authentication and reach validation and handlers.
const auth = fc.oneof(
  { arbitrary: fc.constant("admin"), weight: 6 },
  { arbitrary: fc.constant("agentA"), weight: 2 },
  { arbitrary: fc.constant("agentB"), weight: 3 },
  { arbitrary: fc.constantFrom("none", "garbage", "malformed"), weight: 1 },
);

describe("API fuzzing", () => {
  it(`survives ${RUNS} malformed, oversized and mutated requests without a 5xx or a leak`, async () => {
    expect(routes.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.nat(routes.length - 1), paramValue(), paramValue(), body, auth, async (r, p1, p2, raw, who) => {
        const route = routes[r];
        // Deleting the two fixture projects would end the leak check; deletes get random ids only.
        const real = (v: string) => (route.method === "DELETE" ? `gone-${v}` : v === "A" ? a.id : b.id);
        const values = [p1, p2].map((v) => (v === "A" || v === "B" ? real(v) : encodeURIComponent(v)));
        let i = 0;
        const url = route.path.replace(/\{[^}]+\}/g, () => values[i++ % 2]);
        const headers: Record<string, string> = {};
        const token = { admin: core.adminToken, agentA: a.agentToken, agentB: b.agentToken, garbage: "bra_notatoken", none: null, malformed: null }[who];
        if (token) headers.authorization = `Bearer ${token}`;
        if (who === "malformed") headers.authorization = "Bearer";
        if (raw !== undefined) headers["content-type"] = "application/json";
        const res = await fetch(core.url + url, {
          method: route.method,
          headers,
          body: raw === undefined || route.method === "GET" || route.method === "HEAD" ? undefined : raw,
        });
        const text = await res.text();
        seen.requests++;
        seen.byStatus[res.status] = (seen.byStatus[res.status] ?? 0) + 1;
        if (res.status >= 500) seen.fiveHundreds++;
        const leaked = who === "agentB" && (text.includes(a.id) || text.includes("alpha-secret") || text.includes("alpha-private"));
        if (leaked) seen.leaks++;
        expect(res.status, `${route.method} ${url} as ${who}: ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(leaked, `${route.method} ${url} leaked project A to agent B`).toBe(false);
        // A HEAD answer carries the GET's headers and no body (HEAD /ping/<key>).
        if (route.method !== "HEAD" && res.status >= 400 && res.headers.get("content-type")?.includes("json")) {
          const parsed = JSON.parse(text);
          expect(typeof parsed.error).toBe("string");
          expect(typeof parsed.message).toBe("string");
        }
      }),
      { numRuns: RUNS },
    );
    expect((await core.api("GET", "/healthz", { token: null })).status).toBe(200);
    expect(seen.fiveHundreds).toBe(0);
    const logs = core.logs();
    for (const secret of [core.adminToken, a.agentToken, b.agentToken]) expect(logs).not.toContain(secret);
  }, 180_000);
});
