import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { currentShadowWal, frameAlign, readShadowPosition, shadowWalIndex, walHeaderPageSize } from "../../src/litestream/shadow-wal.ts";
import { tmpDir } from "../support/tmp.ts";

const header = (pageSize: number) => {
  const b = Buffer.alloc(32);
  b.writeUInt32BE(0x377f0682, 0);
  b.writeUInt32BE(3007000, 4);
  b.writeUInt32BE(pageSize === 65536 ? 1 : pageSize, 8);
  return b;
};

describe("shadow WAL names and sizes (Litestream 0.3.13 db.go)", () => {
  it("parses %08x.wal and nothing else", () => {
    expect(shadowWalIndex("0000000a.wal")).toBe(10);
    expect(shadowWalIndex("00000000.wal")).toBe(0);
    expect(shadowWalIndex("0000000A.wal")).toBeNull();
    expect(shadowWalIndex("00000001.wal.tmp")).toBeNull();
    expect(shadowWalIndex("1.wal")).toBeNull();
  });

  it("takes the highest index and that one file's size, not the total", () => {
    expect(currentShadowWal([{ name: "00000000.wal", size: 6064672 }, { name: "00000001.wal", size: 4152 }, { name: "x", size: 1 }])).toEqual({ index: 1, size: 4152 });
    expect(currentShadowWal([])).toBeNull();
  });

  it("aligns an offset to whole frames like Litestream's frameAlign", () => {
    expect(frameAlign(0, 4096)).toBe(0);
    expect(frameAlign(31, 4096)).toBe(0);
    expect(frameAlign(32, 4096)).toBe(32);
    expect(frameAlign(32 + 4120 + 100, 4096)).toBe(32 + 4120);
    expect(frameAlign(32 + 2 * 4120, 4096)).toBe(32 + 2 * 4120);
  });

  it("reads the page size from a WAL header (1 means 65536)", () => {
    expect(walHeaderPageSize(header(4096))).toBe(4096);
    expect(walHeaderPageSize(header(65536))).toBe(65536);
    expect(walHeaderPageSize(Buffer.alloc(32))).toBeNull();
    expect(walHeaderPageSize(Buffer.alloc(4))).toBeNull();
  });
});

describe("readShadowPosition", () => {
  const dirP = tmpDir("borela-shadow-");
  afterAll(async () => (await dirP).remove());

  it("is null before a generation, then the current file's aligned size", async () => {
    const dir = (await dirP).path;
    const db = path.join(dir, "app.sqlite3");
    expect(await readShadowPosition(db)).toBeNull();
    const gen = "0123456789abcdef";
    const wal = path.join(dir, ".app.sqlite3-litestream", "generations", gen, "wal");
    await mkdir(wal, { recursive: true });
    await writeFile(path.join(dir, ".app.sqlite3-litestream", "generation"), `${gen}\n`);
    expect(await readShadowPosition(db)).toEqual({ generation: gen, index: 0, offset: 0 });
    await writeFile(path.join(wal, "00000000.wal"), Buffer.concat([header(4096), Buffer.alloc(3 * 4120)]));
    await writeFile(path.join(wal, "00000001.wal"), Buffer.concat([header(4096), Buffer.alloc(4120 + 7)]));
    expect(await readShadowPosition(db)).toEqual({ generation: gen, index: 1, offset: 32 + 4120 });
  });
});
