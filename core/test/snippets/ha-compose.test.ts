// docs/compose/ha.yml, the HA set-up users copy (docs/scaling.md): PostgreSQL, Redis, two cores, a worker.
// Parsed with the `yaml` package (merge keys resolved, as Compose does); `${VAR:?…}` / `${VAR:-…}` are
// filled from a sample .env. Each Borela service's environment goes through loadConfig with every read
// recorded, so a variable the core does not read (a typo, a removed setting) fails here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

const FILE = path.resolve(import.meta.dirname, "../../../docs/compose/ha.yml");
const DOT_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: "pw0123456789",
  BORELA_SECRET_KEY: "a-long-random-secret-key-0123456789",
  BORELA_ADMIN_TOKEN: "bradm_a_long_random_admin_token",
  BORELA_PUBLIC_URL: "https://borela.example.com",
};

type Service = {
  image: string;
  command?: string[];
  network_mode?: string;
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
};

/** Compose's interpolation, the three forms the file uses: ${VAR}, ${VAR:-default}, ${VAR:?error}. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    if (env[name]) return env[name];
    if (op === "?") throw new Error(`${name} unset: ${arg}`);
    return op === "-" ? arg : "";
  });
}

function keysDeep(node: unknown, out: string[] = []): string[] {
  if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      out.push(k);
      keysDeep(v, out);
    }
  }
  return out;
}

/** The env keys loadConfig looks at when given `env`, and the config it returns. */
function configReads(env: Record<string, string>) {
  const read = new Set<string>();
  const proxy = new Proxy(env, {
    get: (t, k) => (typeof k === "string" && read.add(k), Reflect.get(t, k)),
    has: (t, k) => (typeof k === "string" && read.add(k), Reflect.has(t, k)),
  });
  return { config: loadConfig(proxy), read };
}

const doc = parse(readFileSync(FILE, "utf8"), { merge: true }) as { services: Record<string, Service> };
const services = doc.services;
const borela = Object.entries(services).filter(([, s]) => s.image.startsWith("borela/borela:"));
const envOf = (s: Service) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), DOT_ENV)]));

describe("docs/compose/ha.yml", () => {
  it("has PostgreSQL, Redis, two `borela serve` cores and one `borela worker`", () => {
    expect(Object.keys(services).sort()).toEqual(["core-a", "core-b", "postgres", "redis", "worker"]);
    expect(borela.map(([name, s]) => [name, s.command])).toEqual([
      ["core-a", ["serve"]],
      ["core-b", ["serve"]],
      ["worker", ["worker"]],
    ]);
  });

  it("uses host networking for every service and no compose networks", () => {
    for (const [name, s] of Object.entries(services)) expect([name, s.network_mode]).toEqual([name, "host"]);
    expect(keysDeep(doc)).not.toContain("networks");
  });

  it("binds PostgreSQL and Redis to loopback only", () => {
    expect(services.postgres.command).toEqual(expect.arrayContaining(["-c", "listen_addresses=127.0.0.1"]));
    const redis = services.redis.command ?? [];
    expect(redis[redis.indexOf("--bind") + 1]).toBe("127.0.0.1");
  });

  it("sets only BORELA_* variables that core/src/config.ts reads, and the core accepts them", () => {
    for (const [name, s] of borela) {
      const env = envOf(s);
      const { read } = configReads(env);
      const set = Object.keys(env).filter((k) => k.startsWith("BORELA_"));
      expect(set.length).toBeGreaterThan(5);
      expect([name, set.filter((k) => !read.has(k))]).toEqual([name, []]);
    }
  });

  it("gives both cores and the worker the same store, Redis and secret key; each core its own loopback port", () => {
    const configs = borela.map(([name, s]) => ({ name, config: configReads(envOf(s)).config }));
    for (const { name, config } of configs) {
      expect([name, config.databaseUrl]).toEqual([name, "postgresql://borela:pw0123456789@127.0.0.1:5432/borela"]);
      expect([name, config.redisUrl]).toEqual([name, "redis://127.0.0.1:6379"]);
      expect([name, config.secretKey]).toEqual([name, DOT_ENV.BORELA_SECRET_KEY]);
    }
    const cores = configs.filter((c) => c.name.startsWith("core-"));
    expect(cores.map((c) => `${c.config.host}:${c.config.port}`)).toEqual(["127.0.0.1:8787", "127.0.0.1:8788"]);
    expect(cores.map((c) => c.config.publicUrl)).toEqual([DOT_ENV.BORELA_PUBLIC_URL, DOT_ENV.BORELA_PUBLIC_URL]);
    // PostgreSQL's own port and user are the ones the URL names.
    expect(services.postgres.command).toEqual(expect.arrayContaining(["-c", "port=5432"]));
    expect(services.postgres.environment?.POSTGRES_USER).toBe("borela");
  });

  it("refuses to start without the secrets the .env must set", () => {
    const core = services["core-a"];
    expect(() => Object.values(core.environment ?? {}).map((v) => interpolate(String(v), { ...DOT_ENV, BORELA_SECRET_KEY: "" }))).toThrow(/BORELA_SECRET_KEY/);
  });

  it("health-checks the stores and the cores; the cores wait for healthy stores", () => {
    for (const name of ["postgres", "redis", "core-a", "core-b", "worker"]) expect([name, services[name].healthcheck?.test?.length ?? 0]).not.toEqual([name, 0]);
    for (const [name, s] of borela) expect([name, s.depends_on]).toEqual([name, { postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } }]);
  });
});
