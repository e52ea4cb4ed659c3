// The core itself in Docker: a compose file for `borela serve` from the Borela image, with host
// networking (it listens on --server's address when that is an IP, else 127.0.0.1:8787), its data volume, and —
// for drills of `file://` replicas — the same replica volume the sidecars mount, at the same path,
// listed in BORELA_FILE_REPLICA_ROOTS. The admin token is referenced, never written.
//
//   coreCompose(input: SnippetInput): string   throws SnippetError naming the field
import { stringify } from "yaml";
import { DEFAULT_IMAGE, DEFAULT_REPLICA_VOLUME, replicaMountFor, SnippetError, type SnippetInput } from "./input.ts";

export function coreCompose(input: SnippetInput): string {
  let url: URL;
  try {
    url = new URL(input.serverUrl);
  } catch {
    throw new SnippetError(`server URL ${JSON.stringify(input.serverUrl)} is not a URL`);
  }
  // An IP literal is where it listens; a name (behind a TLS proxy) keeps it on loopback, on the URL's http port or 8787.
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  const host = /^[\d.]+$|:/.test(literal) ? literal : "127.0.0.1";
  const port = url.protocol === "http:" && url.port ? url.port : "8787";
  const publicUrl = url.href.replace(/\/$/, "");
  const local = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const replica = replicaMountFor(input.replicaUrl ?? null, "/data", input.replicaVolume ?? DEFAULT_REPLICA_VOLUME);
  const service = {
    image: input.image ?? DEFAULT_IMAGE,
    command: ["serve"],
    restart: "unless-stopped",
    network_mode: "host",
    environment: {
      BORELA_HOST: host,
      BORELA_PORT: port,
      ...(publicUrl !== local ? { BORELA_PUBLIC_URL: publicUrl } : {}),
      BORELA_ADMIN_TOKEN: "${BORELA_ADMIN_TOKEN}",
      ...(replica ? { BORELA_FILE_REPLICA_ROOTS: replica.path } : {}),
    },
    volumes: ["borela-data:/data", ...(replica ? [`${replica.volume}:${replica.path}:ro`] : [])],
  };
  const volumes = { "borela-data": {}, ...(replica ? { [replica.volume]: { external: true } } : {}) };
  return (
    `# The Borela core (borela serve) on this host: host networking, listening on ${host}:${port}; its database in the volume borela-data.\n` +
    "# Set BORELA_ADMIN_TOKEN (e.g. in an .env file beside this file) to a long random string: the API and `npx borela` use it.\n" +
    (replica ? `# Drills read file replicas from the volume ${replica.volume} at ${replica.path}, as the sidecars write them; create it once: docker volume create ${replica.volume}\n` : "") +
    stringify({ services: { borela: service }, volumes })
  );
}
