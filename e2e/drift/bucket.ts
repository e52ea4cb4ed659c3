// The drift world's "backups" bucket, read and written the way a test damages a replica.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { World } from "./world.ts";

export interface Bucket {
  /** Keys under `prefix`, sorted (one listing page: up to 1000). */
  keys(prefix: string): Promise<string[]>;
  getBytes(key: string): Promise<Buffer>;
  put(key: string, body: Buffer): Promise<void>;
}

/** The world's "backups" bucket; `world` is read at each call, so a lazily started world works. */
export function backupsBucket(world: World): Bucket {
  return {
    async keys(prefix) {
      const out = await world.s3.client().send(new ListObjectsV2Command({ Bucket: "backups", Prefix: prefix }));
      return (out.Contents ?? []).map((o) => o.Key!).sort();
    },
    async getBytes(key) {
      const out = await world.s3.client().send(new GetObjectCommand({ Bucket: "backups", Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    },
    async put(key, body) {
      await world.s3.client().send(new PutObjectCommand({ Bucket: "backups", Key: key, Body: body }));
    },
  };
}
