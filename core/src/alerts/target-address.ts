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

/** An IPv4 address carried inside IPv6 (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d), or null. */
function embeddedIPv4(ip: string): string | null {
  const lower = ip.toLowerCase();
  const m = lower.match(/^(?:::ffff:|::|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/);
  if (!m || lower === "::" || lower === "::1") return null;
  if (m[1]) return m[1];
  const hi = parseInt(m[2], 16);
  const lo = parseInt(m[3], 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/** Null when alerts may be sent to `ip`; otherwise why not (names BORELA_ALERT_ALLOW_PRIVATE_TARGETS where it applies). */
export function addressProblem(ip: string, allowPrivate: boolean): string | null {
  const family = isIP(ip);
  if (family === 0) return `${JSON.stringify(ip)} is not an IP address`;
  const v4 = family === 6 ? embeddedIPv4(ip) : ip;
  const [addr, type] = v4 ? [v4, "ipv4" as const] : [ip, "ipv6" as const];
  if (LINK_LOCAL.check(addr, type)) return `${ip} is a link-local address (cloud metadata lives there); alerts are never sent to it`;
  if (!allowPrivate && PRIVATE.check(addr, type)) {
    return `${ip} is a loopback or private address; set BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true to send alerts there`;
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
