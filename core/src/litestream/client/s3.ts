// The S3 replica client: LTX files at `<path>/<level as %04x>/<min>-<max>.ltx`
// (Litestream 0.5 s3/replica_client.go joins `Path + "/" + …`, so an empty
// path gives keys starting with "/"), 0.3 files at `<path>/generations/…`.
// One ListObjectsV2 pass over the replica's prefix serves both layouts.
// S3 is reached through the transport the caller's process chose
// (s3-transport.ts: signed for the agent, the SDK for the core).
//
//   s3ReplicaClient(target: S3Replica, s3: S3Transport): ReplicaClient
import { parseReplicaKey, ReplicaReadError, type ReplicaFile } from "../replica-files.ts";
import { replicaUrl, type S3Replica } from "../replica-url.ts";
import { S3RequestError, type S3Store, type S3Transport } from "../s3-transport.ts";
import { parseLtxFileName } from "../ltx.ts";
import type { LtxFile, ReplicaClient } from "./replica-client.ts";

const LTX_KEY = /^([0-9a-f]{4})\/([0-9a-f]{16}-[0-9a-f]{16}\.ltx)$/;

export function s3ReplicaClient(target: S3Replica, s3: S3Transport): ReplicaClient {
  const url = replicaUrl(target);
  const store: S3Store = {
    bucket: target.bucket,
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials: target.credentials,
  };
  // 0.5 writes "<path>/<level>/…" (and "/<level>/…" for an empty path); 0.3 writes "<path>/generations/…" or "generations/…".
  const ltxPrefix = `${target.path}/`;
  const v3Prefix = target.path ? `${target.path}/` : "";
  const fail = (err: unknown) => {
    if (err instanceof ReplicaReadError) return err;
    const code = err instanceof S3RequestError ? err.code : ((err as NodeJS.ErrnoException).code ?? "Error");
    return new ReplicaReadError(`cannot read replica ${url}: ${(err as Error).message}`, code);
  };
  return {
    type: "s3",
    url,
    async list(options) {
      try {
        const objects = await s3.listObjects(store, target.path ? `${target.path}/` : "", options);
        if (!target.path) objects.push(...(await s3.listObjects(store, "/", options)));
        const ltx: LtxFile[] = [];
        const generations: ReplicaFile[] = [];
        const seen = new Set<string>();
        for (const o of objects) {
          if (seen.has(o.key)) continue;
          seen.add(o.key);
          if (o.key.startsWith(ltxPrefix)) {
            const m = o.key.slice(ltxPrefix.length).match(LTX_KEY);
            const range = m ? parseLtxFileName(m[2]) : null;
            if (m && range) {
              ltx.push({ level: parseInt(m[1], 16), ...range, size: o.size, createdAt: o.lastModified, name: m[2], key: o.key });
              continue;
            }
          }
          if (o.key.startsWith(v3Prefix)) {
            const parsed = parseReplicaKey(o.key.slice(v3Prefix.length));
            if (parsed) generations.push({ ...parsed, size: o.size, modifiedAt: o.lastModified, key: o.key });
          }
        }
        return { ltx, generations };
      } catch (err) {
        throw fail(err);
      }
    },
    readStart(file, bytes, options = {}) {
      return this.readRange(file, 0, bytes, options);
    },
    async readRange(file, start, bytes, { into: _into, ...options } = {}) {
      try {
        return await s3.getObject(store, file.key, { timeoutMs: 30_000, ...options, range: [start, start + bytes - 1], maxBytes: bytes });
      } catch (err) {
        throw fail(err);
      }
    },
    async read(file, options = {}) {
      try {
        return await s3.getObject(store, file.key, { timeoutMs: 60_000, maxBytes: 1024 * 1024 * 1024, ...options });
      } catch (err) {
        throw fail(err);
      }
    },
  };
}
