import { describe, expect, it } from "vitest";
import { lz4ContentSize, Lz4Error } from "../../src/litestream/lz4.ts";
import { lz4Verify } from "../../src/litestream/lz4-verify.ts";
import { xxh32 } from "../../src/litestream/xxh32.ts";

function frame(blocks: Uint8Array[], flags = 0x60): Uint8Array {
  const parts: number[] = [0x04, 0x22, 0x4d, 0x18, flags, 0x40, 0x00];
  for (const b of blocks) {
    parts.push(b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, (b.length >>> 24) & 0xff, ...b);
  }
  parts.push(0, 0, 0, 0);
  return Uint8Array.from(parts);
}

describe("lz4ContentSize", () => {
  it("counts literals and matches of compressed blocks", () => {
    // token 0x34: 3 literals "abc", match offset 3, match length 4+4=8 → "abcabcabcab"; then last sequence: 2 literals
    const block = Uint8Array.from([0x34, 0x61, 0x62, 0x63, 0x03, 0x00, 0x20, 0x78, 0x79]);
    expect(lz4ContentSize(frame([block]))).toBe(3 + 8 + 2);
  });

  it("handles extended lengths (15 + 255 + n) and uncompressed blocks", () => {
    const literals = new Uint8Array(15 + 255 + 3);
    const block = Uint8Array.from([0xf0, 255, 3, ...literals]);
    expect(lz4ContentSize(frame([block]))).toBe(273);
    const stored = [1, 2, 3, 4, 5];
    // uncompressed block: high bit set on the size
    const parts = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x00, 5, 0, 0, 0x80, ...stored, 0, 0, 0, 0];
    expect(lz4ContentSize(Uint8Array.from(parts))).toBe(5);
  });

  it("rejects what is not an LZ4 frame or is cut short", () => {
    expect(() => lz4ContentSize(Uint8Array.from([1, 2, 3, 4, 5]))).toThrow(Lz4Error);
    const f = frame([Uint8Array.from([0x30, 0x61, 0x62, 0x63])]);
    expect(() => lz4ContentSize(f.slice(0, f.length - 6))).toThrow(/runs past|no end mark/);
  });
});

describe("xxh32", () => {
  it("matches the reference values of the xxHash specification", () => {
    const e = new TextEncoder();
    expect(xxh32(e.encode(""))).toBe(0x02cc5d05);
    expect(xxh32(e.encode("a"))).toBe(0x550d7456);
    expect(xxh32(e.encode("abc"))).toBe(0x32d153ff);
    expect(xxh32(e.encode("Nobody inspects the spammish repetition"))).toBe(0xe2293b2f);
  });
});

describe("lz4Verify", () => {
  /** A frame with a content checksum (FLG 0x64, as Litestream writes them) around one block. */
  function checkedFrame(block: Uint8Array, content: Uint8Array): Uint8Array {
    const descriptor = Uint8Array.from([0x64, 0x70]);
    const parts = [0x04, 0x22, 0x4d, 0x18, ...descriptor, (xxh32(descriptor) >>> 8) & 0xff];
    parts.push(block.length & 0xff, (block.length >> 8) & 0xff, 0, 0, ...block, 0, 0, 0, 0);
    const sum = xxh32(content);
    parts.push(sum & 0xff, (sum >>> 8) & 0xff, (sum >>> 16) & 0xff, sum >>> 24);
    return Uint8Array.from(parts);
  }
  const block = Uint8Array.from([0x34, 0x61, 0x62, 0x63, 0x03, 0x00, 0x20, 0x78, 0x79]);
  const content = new TextEncoder().encode("abcabcabcabcaxy".slice(0, 11) + "xy");

  it("decodes the blocks and checks the content checksum", () => {
    expect(lz4Verify(checkedFrame(block, content))).toBe(13);
  });

  it("names a flipped byte that still parses as an invalid frame checksum", () => {
    const f = checkedFrame(block, content);
    f[12] ^= 0x01; // a literal: "abc" becomes "`bc", the frame still parses
    expect(lz4ContentSize(f)).toBe(13);
    expect(() => lz4Verify(f)).toThrow(/invalid frame checksum/);
    const header = checkedFrame(block, content);
    header[5] ^= 0x10;
    expect(() => lz4Verify(header)).toThrow(/invalid header checksum/);
  });
});
