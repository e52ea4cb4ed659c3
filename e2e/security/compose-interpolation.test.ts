// Security tester, issue 13 follow-up: the labels snippet was not escaped for Compose interpolation: a
// reported path `/data/${POSTGRES_PASSWORD}/app.db` went into the labels as-is, so compose put the app's
// own secret into a label (readable with `docker inspect`, sent to the core by `borela discover`). Now
// every compose-bound output (compose, Coolify, labels) writes `$` as `$$`. Checked with a real
// `docker-compose config`, which interpolates as `up` does, with POSTGRES_PASSWORD set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";

const SECRET = "hunter2-from-the-app-env";
const PATH = "/data/${POSTGRES_PASSWORD}/app.db";
const lit = (value: string) => value.replace(/\$/g, "$$$$");

let core: TestCore;
let dir: string;
let snippets: Record<string, string>;
beforeAll(async () => {
  core = await startTestCore();
  dir = mkdtempSync(path.join(tmpdir(), "borela-sec-compose-"));
  const p = await core.createProject("sec-compose-dollar");
  const hb = heartbeat() as any;
  hb.databases[0].path = PATH;
  hb.databases[0].replicas[0].url = "file:///replicas/$POSTGRES_PASSWORD";
  const res = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  snippets = (await core.api("GET", `/api/v1/projects/${p.id}/snippets`)).body;
});
afterAll(async () => {
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What compose makes of `doc`: `docker-compose config` with the app's secret in the environment. Its output
 * writes a literal `$` as `$$` again (so the output is itself a valid compose file): `lit` says how a
 * literal value looks there.
 */
function composeConfig(name: string, doc: unknown): any {
  const file = path.join(dir, `${name}.yml`);
  writeFileSync(file, stringify(doc));
  const res = spawnSync("docker-compose", ["-f", file, "-p", "sec", "config"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: dir, POSTGRES_PASSWORD: SECRET, BORELA_AGENT_TOKEN: "bra_token_from_env" },
    timeout: 30_000,
  });
  expect(res.status, res.stderr).toBe(0);
  expect(res.stdout).not.toContain(SECRET);
  return parse(res.stdout);
}

describe("compose-bound snippets escape $ for compose interpolation", () => {
  it("labels: the reported path and replica URL arrive in the labels literally", () => {
    const { labels } = parse(snippets.labels);
    const config = composeConfig("labels", { version: "3.8", services: { app: { image: "app:latest", labels } } });
    const got = config.services.app.labels;
    expect(got["dev.borela.databases"]).toBe(lit(PATH));
    expect(got["dev.borela.replica"]).toBe(lit("file:///replicas/$POSTGRES_PASSWORD"));
  });

  it("compose and Coolify: the environment and volumes literal, the agent token reference still expands", () => {
    for (const kind of ["compose", "coolify"]) {
      const doc = parse(snippets[kind]);
      const config = composeConfig(kind, {
        version: "3.8",
        services: { app: { image: "app:latest" }, ...doc.services },
        volumes: { app_data: {}, ...Object.fromEntries(Object.keys(doc.volumes ?? {}).map((v) => [v, {}])) },
      });
      const env = config.services.borela.environment;
      expect(env.BORELA_DATABASES, kind).toBe(lit(PATH));
      expect(env.BORELA_REPLICA_URL, kind).toBe(lit("file:///replicas/$POSTGRES_PASSWORD"));
      expect(env.BORELA_AGENT_TOKEN, kind).toBe("bra_token_from_env");
    }
  });
});
