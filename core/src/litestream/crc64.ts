// CRC-64 with the ISO 3309 polynomial, reflected, as Go's hash/crc64 computes
// it with crc64.MakeTable(crc64.ISO) (initial value and final XOR all ones).
// LTX files (superfly/ltx) use it for the file checksum in their trailer and
// for each page's checksum. Computed on two 32-bit halves: no BigInt per byte.
//
//   crc64Iso(data: Uint8Array, crc = 0n): bigint   continue from a previous result by passing it
export class Crc64 {
  private static readonly lo = new Uint32Array(256);
  private static readonly hi = new Uint32Array(256);
  static {
    // Reversed ISO polynomial 0xD800000000000000.
    for (let i = 0; i < 256; i++) {
      let lo = i;
      let hi = 0;
      for (let k = 0; k < 8; k++) {
        const carry = lo & 1;
        lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
        hi = hi >>> 1;
        if (carry) hi = (hi ^ 0xd8000000) >>> 0;
      }
      Crc64.lo[i] = lo;
      Crc64.hi[i] = hi;
    }
  }

  private lo = 0xffffffff;
  private hi = 0xffffffff;

  update(data: Uint8Array): this {
    const tLo = Crc64.lo;
    const tHi = Crc64.hi;
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ tLo[idx];
      hi = (hi >>> 8) ^ tHi[idx];
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  digest(): bigint {
    return (BigInt((~this.hi) >>> 0) << 32n) | BigInt((~this.lo) >>> 0);
  }
}

export function crc64Iso(data: Uint8Array): bigint {
  return new Crc64().update(data).digest();
}
