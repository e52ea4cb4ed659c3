// One control-character set (core/src/control.ts) for every field people name or report: a replicaUrl or a
// file replica path holding a C1 control (U+0085 NEL) or a Unicode line separator (U+2028/U+2029), raw or
// percent-encoded, is refused like a line break: PATCH /api/v1/projects/:id answers 400 naming replicaUrl and
// stores nothing, and a drill's file replica path is refused naming the control characters. (The old
// patterns for replica URLs and paths stopped at C0 and DEL.)
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FileReplicaRefusedError, resolveFileReplica } from "../../src/drills/file-roots.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

let core: TestCore;
let tmp: TmpDir;
beforeAll(async () => {
  core = await startTestCore({ BORELA_LISTING_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "warn" });
  tmp = await tmpDir("borela-control-");
});
afterAll(async () => {
  await core?.close();
  await tmp?.remove();
});

const SEPARATORS = ["\u0085", "\u2028", "\u2029", "\u009b"];

it("refuses replicaUrl with U+0085, U+2028, U+2029 or another C1 control, raw or percent-encoded, with 400 naming the field", async () => {
  const p = await core.createProject("control-separators");
  const good = `file://${tmp.path}/replica`;
  const patch = (replicaUrl: string) => core.api<{ message: string }>("PATCH", `/api/v1/projects/${p.id}`, { body: { replicaUrl } });
  expect((await patch(good)).status).toBe(200);
  for (const c of SEPARATORS) {
    for (const bad of [`${good}${c}x`, `s3://bucket/pa${c}th`]) {
      const res = await patch(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.message).toBe("body/replicaUrl must not contain control characters (line breaks, tabs)");
    }
    const encoded = encodeURIComponent(c);
    for (const bad of [`${good}${encoded}x`, `s3://bucket/pa${encoded}th`]) {
      const res = await patch(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.message).toMatch(/^replicaUrl: must not contain control characters/);
    }
  }
  const row = await core.store.project.findUniqueOrThrow({ where: { id: p.id }, select: { replicaUrl: true } });
  expect(row.replicaUrl).toBe(good);
});

it("refuses a file replica path with U+0085 or U+2028, naming the control characters", async () => {
  for (const c of ["\u0085", "\u2028"]) {
    const dir = path.join(tmp.path, `a${c}b`);
    const err = await resolveFileReplica(dir, [tmp.path]).catch((e: unknown) => e);
    expect(err, JSON.stringify(c)).toBeInstanceOf(FileReplicaRefusedError);
    expect((err as Error).message).toMatch(/must not contain control characters/);
  }
});
