// A newline in a reported database path must not add a line to the env-file snippet (it would set
// NODE_OPTIONS for `node --env-file` or systemd's EnvironmentFile); other snippets stay YAML, and the
// docker-run `-v` stays one word.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { parse } from "yaml";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { renderSnippet } from "../../core/src/snippets/render.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => core?.close());

const injected = "/data/app.sqlite3\nNODE_OPTIONS=--require=/tmp/evil.js";

describe("env-file snippet", () => {
  it("a path with a newline is refused at ingest and never reaches the env file", async () => {
    const p = await core.createProject("sec-envfile");
    const hb = heartbeat() as any;
    hb.databases[0].path = injected;
    const res = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^body\/databases\/0\/path /);
    const snippets = (await core.api("GET", `/api/v1/projects/${p.id}/snippets`)).body;
    expect(snippets["env-file"]).not.toMatch(/^NODE_OPTIONS=/m);
  });

  it("the renderer itself refuses a value with a line break", () => {
    const input = { projectName: "x", serverUrl: "https://b.example.com", databases: [injected], volume: "v:/data" };
    expect(() => renderSnippet("env-file", input)).toThrow(/control character/);
  });
});

describe("other snippets with hostile but legal paths", () => {
  const hostile = "/data/a b;$(touch /tmp/x)'`<%= 1 %>.sqlite3";
  const input = { projectName: "x", serverUrl: "https://b.example.com", databases: [hostile], volume: "v 1;id:/data" };

  it("docker run: bash sees -v and every -e value as one word each", () => {
    const line = renderSnippet("docker-run", input).replace(/^docker run/, "printf '%s\\n'");
    const res = spawnSync("bash", ["-c", line], { encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    const words = res.stdout.split("\n");
    expect(words[words.indexOf("-v") + 1]).toBe("v 1;id:/data");
    expect(words).toContain(`BORELA_DATABASES=${hostile}`);
  });

  it("compose stays YAML, with $ escaped for compose; Kamal's ERB sees no tag", () => {
    const compose = parse(renderSnippet("compose", input)).services.borela;
    expect(compose.environment.BORELA_DATABASES).toBe(hostile.replace(/\$/g, "$$$$"));
    const kamal = renderSnippet("kamal", input);
    expect(kamal).not.toMatch(/<%[^%]/);
    expect(parse(kamal.replace(/<%%/g, "<%")).accessories.borela.env.clear.BORELA_DATABASES).toBe(hostile);
  });
});
