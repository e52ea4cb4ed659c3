// Issue 15: the snippets as pasted. The sidecar's user is the app's (--user) or the database owner's
// (no `user:`, the entrypoint decides); a file:// replica always comes with its mount, on a volume the
// core's compose file mounts at the same path for drills; the core's compose file itself.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderSnippet } from "../../src/snippets/render.ts";
import { replicaMountFor } from "../../src/snippets/input.ts";

const base = { projectName: "shop", serverUrl: "http://127.0.0.1:8787", databases: ["/data/app.sqlite3"], serviceName: "web" };

describe("sidecar snippets for Docker", () => {
  it("--user sets compose's user:, docker run's --user, Kamal's option and the dev.borela.user label, always quoted", () => {
    const input = { ...base, user: "1000:50" };
    const compose = renderSnippet("compose", input);
    expect(compose).toContain('user: "1000:50"'); // YAML 1.1 would read 1000:50 unquoted as a base-60 number
    expect(parse(compose).services.borela.user).toBe("1000:50");
    expect(renderSnippet("docker-run", input)).toContain("--user 1000:50");
    expect(parse(renderSnippet("kamal", input)).accessories.borela.options).toEqual({ user: "1000:50" });
    expect(parse(renderSnippet("labels", input)).labels["dev.borela.user"]).toBe("1000:50");
    expect(parse(renderSnippet("compose", { ...base, user: "0" })).services.borela.user).toBe("0:0");
    expect(() => renderSnippet("compose", { ...base, user: "www-data" })).toThrow(/user "www-data" must be UID:GID in numbers/);
    expect(renderSnippet("docker-run", base)).not.toContain("--user");
    // Room for Litestream's final sync when the sidecar is stopped.
    expect(parse(compose).services.borela.stop_grace_period).toBe("30s");
    expect(renderSnippet("docker-run", base)).toContain("--stop-timeout 30");
  });

  it("a file:// replica comes with its mount: an external volume (down -v keeps it) at the replica's first directory", () => {
    const compose = parse(renderSnippet("compose", { ...base, replicaUrl: "file:///replicas/shop" }));
    expect(compose.services.borela.volumes).toEqual(["web_data:/data", "borela-replicas:/replicas"]);
    expect(compose.volumes).toEqual({ "borela-replicas": { external: true } });
    expect(renderSnippet("docker-run", { ...base, replicaUrl: "file:///replicas/shop" })).toContain("-v borela-replicas:/replicas");
    expect(parse(renderSnippet("kamal", { ...base, replicaUrl: "file:///replicas/shop" })).accessories.borela.volumes).toEqual(["web_data:/data", "borela-replicas:/replicas"]);
    // On the app's own volume already: nothing more to mount. Not a file replica: nothing either.
    expect(parse(renderSnippet("compose", { ...base, replicaUrl: "file:///data/replica" })).services.borela.volumes).toEqual(["web_data:/data"]);
    expect(parse(renderSnippet("compose", { ...base, replicaUrl: "s3://bucket/shop" })).volumes).toBeUndefined();
    expect(parse(renderSnippet("compose", { ...base, replicaUrl: "file:///r", replicaVolume: "backups" })).services.borela.volumes).toEqual(["web_data:/data", "backups:/r"]);
    expect(() => replicaMountFor("file:///", "/data", "v")).toThrow(/needs an absolute directory/);
  });

  it("core-compose: the core with host networking, its data volume, and the replica volume read-only at the same path", () => {
    const out = renderSnippet("core-compose", { ...base, databases: [], replicaUrl: "file:///replicas/shop" });
    const core = parse(out);
    expect(core.services.borela).toMatchObject({
      image: "borela/borela:latest",
      command: ["serve"],
      network_mode: "host",
      environment: { BORELA_HOST: "127.0.0.1", BORELA_PORT: "8787", BORELA_ADMIN_TOKEN: "${BORELA_ADMIN_TOKEN}", BORELA_FILE_REPLICA_ROOTS: "/replicas" },
      volumes: ["borela-data:/data", "borela-replicas:/replicas:ro"],
    });
    expect(core.volumes).toEqual({ "borela-data": {}, "borela-replicas": { external: true } });
    expect(out).toContain("docker volume create borela-replicas");
    // Behind a TLS proxy: loopback, the default port, and the public URL for links.
    const proxied = parse(renderSnippet("core-compose", { ...base, serverUrl: "https://borela.example.com" })).services.borela.environment;
    expect(proxied).toMatchObject({ BORELA_HOST: "127.0.0.1", BORELA_PORT: "8787", BORELA_PUBLIC_URL: "https://borela.example.com" });
    expect(proxied.BORELA_FILE_REPLICA_ROOTS).toBeUndefined();
  });
});
