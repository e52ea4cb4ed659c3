// Every Litestream 0.5 error that Borela quotes when a restore plan is impossible
// (ltx-plan.ts: `litestream restore fails with "…"`) is checked against what the
// real `litestream-0.5 restore` prints for the same replica: no snapshot and no
// TXID 1, an empty replica, a timestamp before every file, a gap in the TXIDs;
// and every kind of content damage for which Borela withholds --force
// (ltx-damage.ts) makes the real restore fail too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { restore05, startLitestream05 } from "./live-v5.ts";
import type { LtxFile } from "../../src/litestream/client/replica-client.ts";
import { openReplicaClient } from "../../src/storage/replica-clients.ts";
import { planLtxRestore } from "../../src/litestream/ltx-plan.ts";
import { DamagedLtxError, verifyLtxPlan } from "../../src/litestream/layout/v5.ts";
import { litestreamFailsOnDamage } from "../../src/litestream/ltx-damage.ts";
import { addRows, seededDatabase } from "../drills/fixtures.ts";

let tmp: TmpDir;
beforeAll(async () => {
  tmp = await tmpDir("borela-ltx-quoted-");
});
afterAll(async () => {
  await tmp?.remove();
});

/** A replica with a snapshot and one L0 file per batch (no compaction). */
async function replica(name: string) {
  const dir = path.join(tmp.path, name);
  const file = seededDatabase(dir);
  const target = { type: "file" as const, path: path.join(dir, "replica") };
  const live = await startLitestream05(path.join(dir, "ls05"), file, target, { l1: "1h" });
  try {
    await live.caughtUp();
    await live.snapshotted();
    for (let i = 0; i < 3; i++) {
      addRows(file, 2, 3);
      await live.caughtUp();
    }
  } finally {
    await live.stop();
  }
  const client = openReplicaClient(target);
  return { dir, target, list: async () => (await client.list()).ltx };
}

/** What Borela says Litestream prints, and what the real binary prints for the same replica. */
async function quotedAndReal(dir: string, target: { type: "file"; path: string }, files: LtxFile[], timestamp?: Date) {
  const planned = planLtxRestore(files, { timestamp: timestamp ?? null });
  expect(planned.ok).toBe(false);
  const reason = planned.ok ? "" : planned.reason;
  const quoted = reason.match(/litestream restore fails with "([^"]+)"/)?.[1] ?? null;
  const real = await restore05(path.join(dir, `plain-${Math.random().toString(36).slice(2)}`), target, path.join(dir, "never.sqlite3"), timestamp);
  return { reason, quoted, real };
}

describe("Litestream 0.5 errors Borela quotes, against litestream-0.5 restore", () => {
  it("no snapshot, no TXID 1; an empty replica; a timestamp before every file; a gap", async () => {
    const { dir, target, list } = await replica("quoted");
    const all = await list();
    const before = new Date(Math.min(...all.map((f) => f.createdAt.getTime())) - 5_000);
    const early = await quotedAndReal(dir, target, all, before);
    expect(early.reason).toMatch(/^no LTX file before /);
    expect(early.real).toContain(early.quoted!);

    const newest = Math.max(...all.map((f) => f.maxTXID));
    const middle = all.find((f) => f.level === 0 && f.minTXID > 1 && f.maxTXID < newest)!;
    rmSync(middle.key);
    for (const f of all.filter((x) => x.level === 1 && x.minTXID <= middle.minTXID && x.maxTXID >= middle.maxTXID)) rmSync(f.key);
    const gap = await quotedAndReal(dir, target, await list());
    expect(gap.reason).toMatch(/are missing/);
    expect(gap.real).toContain(gap.quoted!);

    for (const f of await list()) if (f.level === 9 || f.minTXID === 1) rmSync(f.key);
    const noStart = await quotedAndReal(dir, target, await list());
    expect(noStart.reason).toMatch(/^no snapshot \(level 9\), and the oldest LTX file level 0 \S+ does not start at TXID 1/);
    expect(noStart.real).toContain(noStart.quoted!);

    for (const f of await list()) rmSync(f.key);
    const empty = await quotedAndReal(dir, target, []);
    expect(empty.reason).toMatch(/^no LTX file: /);
    expect(empty.real).toContain(empty.quoted!);
    expect(empty.quoted).toBe("no matching backup files available");
  }, 60_000);

  it("content damage Borela withholds --force for (checksum, page data, truncation) fails litestream restore too", async () => {
    const { dir, target, list } = await replica("damage");
    const planned = planLtxRestore(await list());
    if (!planned.ok) throw new Error(planned.reason);
    const file = planned.plan.files.at(-1)!;
    const original = readFileSync(file.key);
    const damages: [string, (b: Buffer) => Buffer][] = [
      ["page index byte", (b) => (b[b.length - 40] ^= 0x10, b)],
      ["page data byte", (b) => (b[100 + 6 + 20] ^= 0xff, b)],
      ["truncated", (b) => b.subarray(0, b.length - 100)],
    ];
    for (const [what, damage] of damages) {
      writeFileSync(file.key, damage(Buffer.from(original)));
      const client = openReplicaClient(target);
      const fresh = planLtxRestore((await client.list()).ltx);
      const borela = await verifyLtxPlan(client, fresh.ok ? fresh.plan : planned.plan).then(
        () => "whole",
        (err: Error) => (err instanceof DamagedLtxError ? err.message : `not damage: ${err.message}`),
      );
      expect(litestreamFailsOnDamage(borela), `${what}: ${borela}`).toBe(true);
      const real = await restore05(path.join(dir, `plain-${what.replace(/ /g, "-")}`), target, path.join(dir, `out-${what.replace(/ /g, "-")}.sqlite3`));
      expect(real, `${what}: Borela says ${borela}`).toMatch(/decode (database|page).*(file checksum mismatch|unexpected EOF)/);
    }
    writeFileSync(file.key, original);
  }, 60_000);
});
