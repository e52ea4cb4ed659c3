// The file replica client: LTX files at `<path>/ltx/<level>/<min>-<max>.ltx`
// (level in decimal; Litestream 0.5 file/replica_client.go, which sets each
// file's mtime to its LTX header timestamp), 0.3 generations under
// `<path>/generations/` (replica-files.ts).
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { listDir, listFileReplicaFiles, ReplicaReadError } from "../replica-files.ts";
import { replicaUrl, type FileReplica } from "../replica-url.ts";
import { parseLtxFileName } from "../ltx.ts";
import { statFileTime } from "./file-time.ts";
import type { LtxFile, ReplicaClient } from "./replica-client.ts";

export function fileReplicaClient(target: FileReplica): ReplicaClient {
  const url = replicaUrl(target);
  const fail = (err: unknown) =>
    err instanceof ReplicaReadError ? err : new ReplicaReadError(`cannot read replica ${url}: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code ?? "Error");
  return {
    type: "file",
    url,
    async list() {
      try {
        const ltx: LtxFile[] = [];
        const ltxDir = path.join(target.path, "ltx");
        // Lowest level first: Litestream writes a compacted or snapshot file before it deletes the files it
        // covers, so a listing racing a compaction sees one or the other, never neither (readdir has no order).
        const levels = (await listDir(ltxDir)).filter((name) => /^\d$/.test(name)).sort();
        for (const levelName of levels) {
          const level = Number(levelName);
          for (const name of await listDir(path.join(ltxDir, levelName))) {
            const range = parseLtxFileName(name);
            if (!range) continue;
            const key = path.join(ltxDir, levelName, name);
            const st = await statFileTime(key);
            if (st) ltx.push({ level, ...range, size: st.size, createdAt: st.mtime, name, key });
          }
        }
        const generations = await listFileReplicaFiles(target.path);
        return { ltx, generations };
      } catch (err) {
        throw fail(err);
      }
    },
    readStart(file, bytes) {
      return this.readRange(file, 0, bytes);
    },
    async readRange(file, start, bytes, options = {}) {
      try {
        const handle = await open(file.key, "r");
        try {
          const buf = options.into && options.into.length >= bytes ? options.into : Buffer.alloc(bytes);
          const { bytesRead } = await handle.read(buf, 0, bytes, start);
          return buf.subarray(0, bytesRead);
        } finally {
          await handle.close();
        }
      } catch (err) {
        throw fail(err);
      }
    },
    async read(file) {
      try {
        return await readFile(file.key);
      } catch (err) {
        throw fail(err);
      }
    },
  };
}
