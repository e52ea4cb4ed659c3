// A lone UTF-16 surrogate in PUT /storage-credentials was a 500 (Prisma's engine refuses such a string):
// it is a 400 naming the field, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => core?.close());

describe("PUT /api/v1/projects/:id/storage-credentials", () => {
  it.each(["bucket", "region", "accessKeyId"])("a lone surrogate in %s is a 400 naming it", async (field) => {
    const p = await core.createProject(`sec-unicode-${field}`);
    const body: Record<string, string> = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secretsecret", bucket: "bucket" };
    body[field] = "abcXXXXXXdef";
    const raw = JSON.stringify(body).replace("XXXXXX", "\\ud800");
    const res = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { raw });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "bad_request", message: expect.stringContaining(`body/${field} `) });
    expect((await core.api("GET", `/api/v1/projects/${p.id}/storage-credentials`)).body).toEqual({ configured: false });
  });
});
