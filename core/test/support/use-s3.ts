// One fauxqs S3 server per test file, with its buckets: started before the first test, stopped after the last.
import { afterAll, beforeAll } from "vitest";
import { lazy } from "./lazy.ts";
import { startS3, type S3Server } from "./s3.ts";

/** Registers the beforeAll and afterAll of startS3() with `buckets` created; returns it, usable from the first test on. */
export function useS3(...buckets: string[]): S3Server {
  let s3: S3Server | null = null;
  beforeAll(async () => {
    s3 = await startS3();
    for (const b of buckets) await s3.createBucket(b);
  });
  afterAll(async () => {
    await s3?.stop();
  });
  return lazy("the S3 server", () => s3);
}
