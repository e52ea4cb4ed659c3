// XXH32, the checksum of the LZ4 frame format (header, block and content
// checksums). Written from the xxHash specification (Yann Collet,
// github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md).
//
//   xxh32(data: Uint8Array, seed = 0): number   unsigned 32-bit
//   xxh32Stream(seed = 0): { update(piece), digest(): number }   the same over pieces
const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;

const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
const round = (acc: number, lane: number) => mul(rotl((acc + mul(lane, P2)) >>> 0, 13), P1);

export function xxh32(data: Uint8Array, seed = 0): number {
  const state = xxh32Stream(seed);
  state.update(data);
  return state.digest();
}

/** XXH32 over data given in pieces: the same value as xxh32 of the pieces joined, holding at most 16 bytes. */
export function xxh32Stream(seed = 0): { update(data: Uint8Array): void; digest(): number } {
  let v1 = (seed + P1 + P2) >>> 0;
  let v2 = (seed + P2) >>> 0;
  let v3 = seed >>> 0;
  let v4 = (seed - P1) >>> 0;
  const tail = new Uint8Array(16);
  const tailView = new DataView(tail.buffer);
  let tailLength = 0;
  let total = 0;
  const stripe = (view: DataView, i: number) => {
    v1 = round(v1, view.getUint32(i, true));
    v2 = round(v2, view.getUint32(i + 4, true));
    v3 = round(v3, view.getUint32(i + 8, true));
    v4 = round(v4, view.getUint32(i + 12, true));
  };
  return {
    update(data) {
      total += data.length;
      let i = 0;
      if (tailLength > 0) {
        i = Math.min(16 - tailLength, data.length);
        tail.set(data.subarray(0, i), tailLength);
        tailLength += i;
        if (tailLength < 16) return;
        stripe(tailView, 0);
        tailLength = 0;
      }
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (; i + 16 <= data.length; i += 16) stripe(view, i);
      tail.set(data.subarray(i), 0);
      tailLength = data.length - i;
    },
    digest() {
      let h = total >= 16 ? (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0 : (seed + P5) >>> 0;
      h = (h + total) >>> 0; // the length modulo 2^32, as the specification states
      let i = 0;
      for (; i + 4 <= tailLength; i += 4) h = mul(rotl((h + mul(tailView.getUint32(i, true), P3)) >>> 0, 17), P4);
      for (; i < tailLength; i++) h = mul(rotl((h + mul(tail[i], P5)) >>> 0, 11), P1);
      h = mul(h ^ (h >>> 15), P2);
      h = mul(h ^ (h >>> 13), P3);
      return (h ^ (h >>> 16)) >>> 0;
    },
  };
}
