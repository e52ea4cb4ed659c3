// Fastify's side of BORELA_TRUST_PROXY (parsed in trust-proxy-setting.ts).
import type { TrustProxy } from "../trust-proxy-setting.ts";

/**
 * Fastify's `trustProxy` for a parsed setting. A hop count becomes "trust the n nearest hops" as a function,
 * because Fastify 5.12 treats a bare number as trusting nothing. A hop count cannot check who the nearest
 * hop is: use it only when the core is reachable through the proxy alone (prefer addresses otherwise).
 */
export function fastifyTrustProxy(setting: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== "number") return setting;
  return (_address, hop) => hop < setting;
}
