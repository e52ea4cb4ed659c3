// The operator's "send test" for storage: writes, reads back and deletes one
// small object in the managed bucket (BORELA_S3_*) with the operator's own
// keys, and says in words what worked or which step failed and why.
import { randomBytes } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "../config.ts";

export interface StorageCheck {
  ok: boolean;
  /** One sentence: what was done where, or the failed step with S3's error code and message. */
  detail: string;
}

/** Where the check writes: a test folder beside the projects' prefixes. */
export const STORAGE_CHECK_PREFIX = "borela-storage-test/";

/** "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist" from an SDK error, or its plain message. */
export function s3ErrorWords(err: unknown): string {
  const e = err as { name?: string; Code?: string; message?: string; code?: string };
  const code = e.Code ?? (e.name && e.name !== "Error" ? e.name : e.code);
  const message = e.message && e.message !== code ? e.message : "";
  return [code, message].filter(Boolean).join(": ") || String(err);
}

/** Runs the check; never throws. Each request gives up after timeoutMs. */
export async function checkStorage(s3: S3Settings, timeoutMs = 10_000): Promise<StorageCheck> {
  const client = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint ?? undefined,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
  });
  const key = `${STORAGE_CHECK_PREFIX}${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}.txt`;
  const where = `s3://${s3.bucket}/${key}${s3.endpoint ? ` at ${s3.endpoint}` : ` in ${s3.region}`}`;
  const body = `borela storage test ${key}\n`;
  const started = Date.now();
  let step = "write";
  try {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: "text/plain" }));
    step = "read back";
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    const text = await got.Body?.transformToString();
    if (text !== body) return { ok: false, detail: `wrote ${where} but read back ${text === undefined ? "nothing" : `${text.length} different bytes`}` };
    step = "delete";
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
    return { ok: true, detail: `wrote, read back and deleted ${where} in ${Date.now() - started} ms with the operator's keys` };
  } catch (err) {
    return { ok: false, detail: `could not ${step} ${where}: ${s3ErrorWords(err)}` };
  } finally {
    client.destroy();
  }
}
