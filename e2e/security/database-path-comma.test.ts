// Security tester, issue 13 follow-up: a comma in a reported path (`/d/x.db,/etc/shadow`) became an extra
// database in every BORELA_DATABASES snippet (and in the dev.borela.databases label), since both are
// comma-separated: an admin pasting the snippet would have the sidecar watch and replicate /etc/shadow.
// Now such a path is a 400 at ingest naming the field, and the snippet renderer refuses one (a row stored
// before the check, or `?database=`), so no snippet ever splits it. A real core on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { renderSnippet } from "../../core/src/snippets/render.ts";

const HOSTILE = "/d/x.db,/etc/shadow";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => core?.close());

describe("commas in reported database paths", () => {
  it("a heartbeat with one is a 400 naming the field, and nothing of it is stored", async () => {
    const p = await core.createProject("sec-comma");
    const hb = heartbeat() as any;
    hb.databases[0].path = HOSTILE;
    const res = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^body\/databases\/0\/path must not contain a comma .*BORELA_DATABASES is comma-separated/);
    expect(await core.store.database.count({ where: { projectId: p.id } })).toBe(0);
    const snippets = (await core.api("GET", `/api/v1/projects/${p.id}/snippets?database=${encodeURIComponent(HOSTILE)}`)).body;
    expect(Object.keys(snippets)).toEqual(["error"]);
  });

  it("a row stored before the check: the snippets say why instead of splitting it", async () => {
    const p = await core.createProject("sec-comma-stored");
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: heartbeat() })).status).toBe(201);
    await core.store.database.updateMany({ where: { projectId: p.id }, data: { path: HOSTILE } });
    const snippets = (await core.api("GET", `/api/v1/projects/${p.id}/snippets`)).body;
    expect(Object.keys(snippets)).toEqual(["error"]);
    expect(snippets.error).toMatch(/holds a comma: BORELA_DATABASES and dev.borela.databases are comma-separated/);
  });

  it("the renderer refuses one for every kind", () => {
    const input = { projectName: "x", serverUrl: "https://b.example.com", databases: [HOSTILE], volume: "v:/d" };
    for (const kind of ["compose", "docker-run", "coolify", "kamal", "labels", "systemd", "env-file"] as const) {
      expect(() => renderSnippet(kind, input), kind).toThrow(/holds a comma/);
    }
  });
});
