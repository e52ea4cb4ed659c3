// JSON may carry a lone UTF-16 surrogate ("\ud800"); such a string cannot be
// stored (Prisma's engine refuses it) or encrypted as itself (UTF-8 turns it
// into U+FFFD). Bodies that reach the store are checked first: a 400 naming
// the field instead of a 500.
import { badRequest } from "./errors.ts";

// With the u flag a surrogate pair is one code point, so this matches only unpaired halves.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Throws a 400 naming the first string (as "body/field/0") that is not well-formed Unicode. */
export function assertWellFormed(value: unknown, where = "body"): void {
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw badRequest(`${where} is not valid Unicode (it holds a lone UTF-16 surrogate)`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertWellFormed(v, `${where}/${i}`));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertWellFormed(v, `${where}/${k}`);
  }
}
