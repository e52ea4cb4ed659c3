// Issue 17, item 5: every route declares its responses, so the OpenAPI document
// describes what comes back (the 2xx body and the {error, message} of errors),
// not only what goes in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

describe("the OpenAPI document", () => {
  it("describes a success response and the error shape for every operation", async () => {
    const res = await core.api("GET", "/docs/json", { token: null });
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, Operation>>;
    const missing: string[] = [];
    let operations = 0;
    for (const [url, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const codes = Object.keys(op.responses ?? {});
        const success = codes.find((c) => /^2/.test(c));
        if (!success) missing.push(`${method.toUpperCase()} ${url}: no 2xx response`);
        else if (success !== "204" && !op.responses![success].content) missing.push(`${method.toUpperCase()} ${url}: ${success} has no body schema`);
        const error = op.responses?.["4XX"]?.content?.["application/json"]?.schema;
        if (!error || !("error" in ((error.properties as object) ?? {}))) missing.push(`${method.toUpperCase()} ${url}: no {error, message} for 4xx`);
      }
    }
    expect(operations).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it("names the fields the dashboard reads in the project's detail", async () => {
    const res = await core.api("GET", "/docs/json", { token: null });
    const detail = res.body.paths["/api/v1/projects/{id}"].get.responses["200"].content["application/json"].schema;
    expect(Object.keys(detail.properties)).toEqual(expect.arrayContaining(["status", "drillStatus", "databases", "alerting", "lastDrill", "pingUrl"]));
    expect(detail.properties.databases.items.properties.restoreCommands.properties).toHaveProperty("borela");
  });
});
