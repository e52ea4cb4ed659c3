// BORELA_TRUST_PROXY, parsed for config.ts: which reverse proxies may tell the
// core the client's address (X-Forwarded-For). Off by default, so a client cannot pick the
// address its failed sign-ins count against.
import { isIP } from "node:net";

/** What Fastify's `trustProxy` option takes: false, a hop count, or addresses/CIDR ranges of trusted proxies. */
export type TrustProxy = false | number | string[];

/** proxy-addr's names for ranges (loopback, linklocal, uniquelocal), accepted as Fastify accepts them. */
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function validRange(item: string): boolean {
  if (NAMED_RANGES.has(item)) return true;
  const [address, prefix, extra] = item.split("/");
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Parses BORELA_TRUST_PROXY: empty, unset or `false` → false; a whole number 1–16 → that many proxy hops
 * in front of the core; otherwise a comma-separated list of proxy addresses or CIDR ranges
 * (`10.0.0.0/8,fd00::/8`, or `loopback`). `true` is refused: trusting every hop lets any client choose
 * its address. Throws an Error naming the variable and the bad item.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? "").trim();
  if (value === "" || value === "false") return false;
  if (value === "true") {
    throw new Error("BORELA_TRUST_PROXY=true would let any client choose its address: give the number of proxies in front of the core (e.g. 1) or their addresses (e.g. 10.0.0.0/8)");
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 16) throw new Error(`BORELA_TRUST_PROXY=${value}: a hop count must be between 1 and 16`);
    return hops;
  }
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = items.find((item) => !validRange(item));
  if (bad !== undefined || items.length === 0) {
    throw new Error(`BORELA_TRUST_PROXY: ${JSON.stringify(bad ?? value)} is neither a hop count nor an IP address or CIDR range`);
  }
  return items;
}
