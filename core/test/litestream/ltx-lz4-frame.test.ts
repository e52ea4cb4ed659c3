// LTX files as Litestream v0.5.0–v0.5.15 write them (superfly/ltx v0.5.0/v0.5.1): every page's data is a whole
// LZ4 frame (no size flag), not the raw LZ4 block v0.5.16 (ltx v0.5.2) writes. On the old code every such
// file failed verification ("older LZ4-frame encoding, which Borela does not verify"), so every drill of a
// replica written before v0.5.16 failed. The fixture (core/test/fixtures/ltx-lz4-frame/) is a real replica's
// level 0 made by Litestream v0.5.15 (`go install …/cmd/litestream@v0.5.15`): a 25-row table, TXIDs 1 (a
// snapshot of 4 pages) and 2; 1.2 KB.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { DamagedLtxError, verifyLtxPlan } from "../../src/litestream/layout/v5.ts";
import { verifyLtx } from "../../src/litestream/ltx.ts";
import { planLtxRestore } from "../../src/litestream/ltx-plan.ts";
import { litestreamFailsOnDamage } from "../../src/litestream/ltx-damage.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { run05 } from "./live-v5.ts";

const FIXTURE = path.join(import.meta.dirname, "../fixtures/ltx-lz4-frame");
let dir: TmpDir;
beforeAll(async () => {
  dir = await tmpDir("borela-lz4-frame-");
});
afterAll(async () => {
  await dir?.remove();
});

function replicaOf(name: string, damage?: (bytes: Uint8Array) => void): string {
  const replica = path.join(dir.path, name);
  mkdirSync(path.join(replica, "ltx", "0"), { recursive: true });
  for (const file of readdirSync(FIXTURE)) copyFileSync(path.join(FIXTURE, file), path.join(replica, "ltx", "0", file));
  if (damage) {
    const target = path.join(replica, "ltx", "0", "0000000000000001-0000000000000001.ltx");
    const bytes = new Uint8Array(readFileSync(target));
    damage(bytes);
    writeFileSync(target, bytes);
  }
  return replica;
}

async function verify(replica: string) {
  const client = openReplicaClient({ type: "file", path: replica });
  const planned = planLtxRestore((await client.list()).ltx);
  if (!planned.ok) throw new Error(planned.reason);
  return verifyLtxPlan(client, planned.plan);
}

describe("LTX pages as LZ4 frames (Litestream before v0.5.16)", () => {
  it("the fixture really is frame-encoded: page flags 0, an LZ4 frame magic after the first page header", () => {
    const bytes = readFileSync(path.join(FIXTURE, "0000000000000001-0000000000000001.ltx"));
    expect(bytes.readUInt16BE(104)).toBe(0);
    expect(bytes.readUInt32LE(106)).toBe(0x184d2204);
  });

  it("verifies every page, the file checksum and the chain, as the plain litestream restore reads it", async () => {
    const v = await verify(replicaOf("good"));
    expect(v.files.map((f) => [f.file.name, f.verified.pages])).toEqual([
      ["0000000000000001-0000000000000001.ltx", 4],
      ["0000000000000002-0000000000000002.ltx", 1],
    ]);
    for (const name of readdirSync(FIXTURE)) expect(() => verifyLtx(new Uint8Array(readFileSync(path.join(FIXTURE, name))))).not.toThrow();
    // The same replica through a plain `litestream restore` (0.5.16 still reads frames): the rows Borela verified.
    const out = path.join(dir.path, "restored.sqlite3");
    const run = await run05(dir.path, { type: "file", path: path.join(dir.path, "good") }, ["restore", "-o", out]);
    expect(run.code, run.stderr).toBe(0);
    const db = new Database(out, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 25 });
    db.close();
  });

  it("a damaged frame fails naming the file, the page and what is wrong; litestream restore fails on it too", async () => {
    // A literal byte of page 1's compressed data (after the 6-byte page header, the 7-byte frame header and the 4-byte block size).
    const replica = replicaOf("damaged", (b) => void (b[100 + 6 + 7 + 4 + 20] ^= 0xff));
    const err = await verify(replica).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedLtxError);
    const message = (err as Error).message;
    expect(message).toMatch(
      /^LTX file level 0 0000000000000001-0000000000000001\.ltx \(.*0000000000000001-0000000000000001\.ltx\) is damaged: page frame 1 \(page 1, byte 100\): page data \(an LZ4 frame, as Litestream before v0\.5\.16 writes it\) does not decode \(/,
    );
    expect(litestreamFailsOnDamage(message)).toBe(true);
    const run = await run05(dir.path, { type: "file", path: replica }, ["restore", "-o", path.join(dir.path, "damaged.sqlite3")]);
    expect(run.code).not.toBe(0);
    console.log(`[ltx-lz4-frame] Borela: ${message.replace(/^.*is damaged: /, "")} | litestream 0.5.16: ${run.stderr.trim().split("\n").at(-1)}`);
  });

  it("a frame cut short fails as truncated, never reading past the file", () => {
    const bytes = new Uint8Array(readFileSync(path.join(FIXTURE, "0000000000000002-0000000000000002.ltx"))).subarray(0, 140);
    expect(() => verifyLtx(bytes)).toThrow(/page frame 1 \(page \d+, byte 100\): page data \(an LZ4 frame, as Litestream before v0\.5\.16 writes it\) does not decode|truncated/);
  });
});
