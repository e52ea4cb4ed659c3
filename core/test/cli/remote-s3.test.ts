// `borela restore` of a bring-your-own S3 replica from a machine without any
// storage credentials: the core reads the replica with the credentials an admin
// stored (fauxqs on loopback, a real S3-compatible server), restores and sends
// the file. The CLI's environment holds no key, and neither its output nor the
// API's answers carry the secret. Compared with a plain `litestream restore`.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { restore } from "../../src/litestream/commands.ts";
import { useTestCore } from "../support/use-core.ts";
import { useS3 } from "../support/use-s3.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { addRows, replicate, reportDatabase, seededDatabase, tableCounts } from "../drills/fixtures.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");
// No BORELA_*, AWS_* or LITESTREAM_* variable reaches the CLI.
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(BORELA_|AWS_|LITESTREAM_)/.test(k)));
const core = useTestCore();
const s3 = useS3("byo-cli");
const tmp = useTmpDir("borela-remote-s3-");


describe("borela restore of an S3 replica through the core", () => {
  it("restores with the core's stored credentials; the CLI never holds them", async () => {
    const file = seededDatabase(path.join(tmp.path, "app"));
    const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const target = { type: "s3" as const, bucket: "byo-cli", path: "shop/app", endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials };
    await replicate(path.join(tmp.path, "app"), file, target, [(f) => addRows(f, 5, 9)]);
    const p = await core.createProject("byo-cli");
    await reportDatabase(core, p.agentToken, file, `s3://byo-cli/shop/app?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1`);
    const put = await core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, { body: { ...credentials, bucket: "byo-cli", endpoint: s3.endpoint } });
    expect(put.status).toBe(204);

    const plainOutput = path.join(tmp.path, "plain.sqlite3");
    await restore({ replica: target }, { outputPath: plainOutput, timeoutMs: 30_000 });

    const laptop = path.join(tmp.path, "laptop");
    mkdirSync(laptop);
    const output = path.join(laptop, "app.sqlite3");
    const res = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, "restore", "byo-cli", "-o", output, "--server", core.url, "--token", core.adminToken], { cwd: laptop, env: clean, timeout: 90_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stdout, stderr }),
      );
    });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("  inspect-replica: reading s3://byo-cli/shop/app");
    expect(res.stdout + res.stderr).not.toContain(s3.secretAccessKey);
    expect(tableCounts(output)).toEqual(tableCounts(plainOutput));
    expect(tableCounts(output)).toEqual(tableCounts(file));
    expect(core.logs()).not.toContain(s3.secretAccessKey);
  }, 120_000);
});
