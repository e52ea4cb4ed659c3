// Where alert webhooks may go. A webhook target is set by an admin, but the
// core's network position is not the admin's: link-local addresses (cloud
// metadata at 169.254.169.254, fe80::/10) are refused always; loopback,
// private, shared and unspecified ranges unless
// BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true. Checked on the URL when a channel
// is saved, and on every address DNS gives at send time (DNS rebinding): the
// connection goes to the address that was checked.
//
//   addressProblem(ip, allowPrivate): string | null   pure; why this address is refused
//   hostProblem(hostname, allowPrivate): string | null IP literals and localhost names, without DNS
//   checkedLookup(allowPrivate): LookupFunction       for http(s).request({ lookup })
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

export class TargetAddressError extends Error {}

function blockList(v4: string[], v6: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) {
    const [net, bits] = cidr.split("/");
    list.addSubnet(net, Number(bits), "ipv4");
  }
  for (const cidr of v6) {
    const [net, bits] = cidr.split("/");
    list.addSubnet(net, Number(bits), "ipv6");
  }
  return list;
}

const LINK_LOCAL = blockList(["169.254.0.0/16"], ["fe80::/10"]);
const PRIVATE = blockList(
  // this network, private, shared (CGNAT), loopback, IETF protocol, benchmarking, multicast and reserved
  ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4"],
  // unspecified, loopback, unique local, site-local (deprecated), multicast
  ["::/128", "::1/128", "fc00::/7", "fec0::/10", "ff00::/8"],
);

/** The eight 16-bit groups of an IPv6 address (isIP(ip) === 6), a dotted IPv4 tail and a zone allowed. */
function ipv6Groups(ip: string): number[] {
  let s = ip.toLowerCase().replace(/%.*$/, "");
  const tail = s.match(/^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (tail) {
    const [a, b, c, d] = tail.slice(2).map(Number);
    s = `${tail[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = rest === undefined ? [] : rest ? rest.split(":") : [];
  const zeros = rest === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...zeros, ...t].map((g) => parseInt(g, 16));
}

function v4(hi: number, lo: number): string {
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/**
 * Every IPv4 address an IPv6 address carries, whose host a connection may reach through it: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, not :: or ::1), SIIT (::ffff:0:a.b.c.d, RFC 6145), NAT64
 * (64:ff9b::/96 and the local-use 64:ff9b:1::/48, RFC 6052/8215), 6to4 (2002:AABB:CCDD::/16, RFC 3056),
 * Teredo (2001:0::/32: server in bits 32-63, client XOR 0xffffffff in the last 32, RFC 4380) and ISATAP
 * (…:0:5efe:a.b.c.d or …:200:5efe:a.b.c.d, RFC 5214).
 */
export function embeddedIPv4(ip: string): string[] {
  const g = ipv6Groups(ip);
  const last = v4(g[6], g[7]);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const found: string[] = [];
  if (zeroUpTo(5) && g[5] === 0xffff) found.push(last);
  else if (zeroUpTo(6) && (g[6] !== 0 || g[7] > 1)) found.push(last);
  else if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) found.push(last);
  if (g[0] === 0x64 && g[1] === 0xff9b && (g.slice(2, 6).every((x) => x === 0) || g[2] === 1)) found.push(last);
  if (g[0] === 0x2002) found.push(v4(g[1], g[2]));
  if (g[0] === 0x2001 && g[1] === 0) found.push(v4(g[2], g[3]), v4(g[6] ^ 0xffff, g[7] ^ 0xffff));
  if ((g[4] === 0 || g[4] === 0x200) && g[5] === 0x5efe) found.push(last);
  return found;
}

function problemOf(addr: string, type: "ipv4" | "ipv6", shown: string, allowPrivate: boolean): string | null {
  if (LINK_LOCAL.check(addr, type)) return `${shown} is a link-local address (cloud metadata lives there); alerts are never sent to it`;
  if (!allowPrivate && PRIVATE.check(addr, type)) {
    return `${shown} is a loopback or private address; set BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true to send alerts there`;
  }
  return null;
}

/** Null when alerts may be sent to `ip`; otherwise why not (names BORELA_ALERT_ALLOW_PRIVATE_TARGETS where it applies). */
export function addressProblem(ip: string, allowPrivate: boolean): string | null {
  const family = isIP(ip);
  if (family === 0) return `${JSON.stringify(ip)} is not an IP address`;
  if (family === 4) return problemOf(ip, "ipv4", ip, allowPrivate);
  // The address itself, then each IPv4 address it embeds, judged as that address (the first refusal wins).
  const own = problemOf(ip, "ipv6", ip, allowPrivate);
  if (own) return own;
  for (const inner of embeddedIPv4(ip)) {
    const problem = problemOf(inner, "ipv4", `${ip} (embedding ${inner})`, allowPrivate);
    if (problem) return problem;
  }
  return null;
}

/** What can be said of a URL's hostname without DNS: IP literals are checked, "localhost" names count as 127.0.0.1. */
export function hostProblem(hostname: string, allowPrivate: boolean): string | null {
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return addressProblem("127.0.0.1", allowPrivate)?.replace("127.0.0.1", hostname) ?? null;
  return isIP(host) ? addressProblem(host, allowPrivate) : null;
}

/** A dns.lookup for http(s).request that fails with TargetAddressError when any resolved address is refused. */
export function checkedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "");
      for (const a of addresses) {
        const problem = addressProblem(a.address, allowPrivate);
        if (problem) return callback(new TargetAddressError(`${hostname} resolves to ${problem}`), "");
      }
      if ((options as LookupAllOptions).all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} resolves to no address`), "");
      callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}
