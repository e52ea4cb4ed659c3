// Issue 18: the first request after start must not compile a schema. The project list's response is a union
// (a page or the plain array), which fast-json-stringify resolves with an ajv validator; compiled lazily it
// held the event loop for 138–270 ms on the first list request at 10,000 projects. Counted here as ajv
// schema compilations during requests, none allowed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { startTestCore, type TestCore } from "../support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
  await core.createProject("compile-a");
  await core.createProject("compile-b");
}, 60_000);
afterAll(async () => {
  await core?.close();
});

describe("schemas compiled at start", () => {
  it("the project list, paged and plain, compiles no schema when first asked", async () => {
    const proto = Ajv.prototype as unknown as { _compileSchemaEnv: (...args: unknown[]) => unknown };
    const original = proto._compileSchemaEnv;
    let compiled = 0;
    proto._compileSchemaEnv = function (this: unknown, ...args: unknown[]) {
      compiled++;
      return original.apply(this, args);
    };
    try {
      const page = await core.api("GET", "/api/v1/projects?limit=100");
      expect(page.status).toBe(200);
      expect(page.body.projects.map((p: { name: string }) => p.name)).toEqual(["compile-a", "compile-b"]);
      const all = await core.api("GET", "/api/v1/projects");
      expect(all.status).toBe(200);
      expect(all.body).toHaveLength(2);
    } finally {
      proto._compileSchemaEnv = original;
    }
    expect(compiled).toBe(0);
  });
});
