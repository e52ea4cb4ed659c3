import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
// Random bytes drawn in blocks: one system call per 256 ids instead of one per id.
const pool = Buffer.alloc(16 * 256);
let offset = pool.length;

/** A sortable id: 10 chars of millisecond time, 16 random chars (Crockford base32). */
export function newId(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[pool[offset + i] % 32];
  offset += 16;
  return time + rand;
}
