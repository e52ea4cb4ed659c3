// The isolated child bundled for plain node (child-bundle.ts): built once per
// process, kept by content hash where better-sqlite3 resolves, readable by
// nobody, and a real drill through it — `node child.mjs` without tsx, the job
// on stdin — restores the counts of a plain `litestream restore`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { addRows, replicate, seededDatabase, tableCounts } from "./fixtures.ts";
import { bundledChildEntry } from "../../src/drills/isolation/child-bundle.ts";
import { parseChildLine, type ChildLine } from "../../src/drills/isolation/protocol.ts";

const LITESTREAM = path.resolve("node_modules/@flydotio/litestream-linux-x64/litestream");

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-child-bundle-");
});
afterAll(async () => {
  await tmp?.remove();
});

describe("the bundled isolated child", () => {
  it("is built once, named by its content, world-readable, with the check worker beside it", async () => {
    const entry = await bundledChildEntry();
    expect(entry).not.toBeNull();
    expect(await bundledChildEntry()).toBe(entry);
    expect(entry!).toMatch(/node_modules\/\.cache\/borela-drill-child\/[0-9a-f]{16}\/child\.mjs$/);
    const worker = path.join(path.dirname(entry!), "inspect-worker.mjs");
    expect(readFileSync(worker, "utf8")).toBe(readFileSync(path.resolve("core/src/drills/inspect-worker.mjs"), "utf8"));
    for (const f of [entry!, worker]) expect(statSync(f).mode & 0o777).toBe(0o644);
    expect(statSync(path.dirname(entry!)).mode & 0o777).toBe(0o755);
    expect(readFileSync(entry!, "utf8")).not.toMatch(/from "tsx|\.ts"/);
  });

  it("runs a whole isolated job on plain node: the counts of a plain litestream restore", async () => {
    const dir = path.join(tmp.path, "drill");
    const file = seededDatabase(dir);
    const replica = { type: "file" as const, path: path.join(dir, "replica") };
    await replicate(path.join(dir, "ls"), file, replica, [(f) => addRows(f, 5, 7)]);
    const generation = execFileSync(LITESTREAM, ["generations", `file://${replica.path}`], { encoding: "utf8" }).split("\n")[1].split(/\s+/)[1];
    const work = path.join(dir, "work");
    mkdirSync(work);
    const job = { replica, generation, timestamp: null, checkPolicy: "integrity", assertions: [], restoreTimeoutMs: 60_000, checkTimeoutMs: 60_000, litestreamBin: LITESTREAM, litestreamLine: "0.3", txid: null };
    const child = spawn(process.execPath, [(await bundledChildEntry())!], { cwd: work, env: { PATH: process.env.PATH ?? "" }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.stdin.write(`${JSON.stringify(job)}\n`);
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code, err).toBe(0);
    const lines = out.split("\n").filter(Boolean).map(parseChildLine).filter((l): l is ChildLine => l !== null);
    const last = lines.at(-1)!;
    expect("result" in last && last.result.ok, out).toBe(true);
    const plain = path.join(dir, "plain.sqlite3");
    execFileSync(LITESTREAM, ["restore", "-o", plain, `file://${replica.path}`]);
    if (!("result" in last) || !last.result.ok) throw new Error(out);
    expect(last.result.inspection.integrity).toBe("ok");
    expect(last.result.inspection.tables).toEqual(tableCounts(plain));
    expect(tableCounts(plain).users).toBeGreaterThan(0);
  }, 120_000);
});
