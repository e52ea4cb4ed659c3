// The core's S3 transport (litestream/s3-transport.ts) over @aws-sdk/client-s3:
// ListObjectsV2 pages and GetObject with the same options and the same
// S3RequestError wording as the agent's signed transport (s3-objects.ts), so a
// drill, `borela restore` and the agentless listing fail in the agent's words.
//
//   sdkS3: S3Transport
// Like the signed transport: one attempt per request (maxAttempts 1), except the
// SDK's one redirect to the region AWS names (no endpoint set); the timeout is
// the socket's idle time (options.timeoutMs, default 10 000 ms); no keep-alive.
// A 200 listing that is no ListBucketResult (no <Name>, or not XML) is NotS3Listing.
import http from "node:http";
import https from "node:https";
import { GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import * as s3 from "../litestream/s3-transport.ts";

const clients = new WeakMap<s3.S3Store, Map<number, S3Client>>();

/** One client per store and timeout (the SDK sets the socket timeout per client). */
function clientFor(store: s3.S3Store, timeoutMs: number): S3Client {
  let byTimeout = clients.get(store);
  if (!byTimeout) clients.set(store, (byTimeout = new Map()));
  let client = byTimeout.get(timeoutMs);
  if (!client) {
    const unsigned = store.credentials === null;
    client = new S3Client({
      region: store.region ?? s3.DEFAULT_REGION,
      endpoint: store.endpoint ?? undefined,
      forcePathStyle: store.forcePathStyle ?? store.endpoint !== null,
      followRegionRedirects: store.endpoint === null,
      maxAttempts: 1,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      credentials: unsigned
        ? { accessKeyId: "", secretAccessKey: "" }
        : { accessKeyId: store.credentials!.accessKeyId, secretAccessKey: store.credentials!.secretAccessKey, sessionToken: store.credentials!.sessionToken ?? undefined },
      ...(unsigned ? { signer: { sign: async (request) => request } } : {}),
      requestHandler: new NodeHttpHandler({
        httpAgent: new http.Agent({ keepAlive: false }),
        httpsAgent: new https.Agent({ keepAlive: false }),
        connectionTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    });
    byTimeout.set(timeoutMs, client);
  }
  return client;
}

/** The SDK's failure in the signed transport's words. */
function mapError(store: s3.S3Store, what: string, timeoutMs: number, err: unknown): s3.S3RequestError {
  if (err instanceof s3.S3RequestError) return err;
  const e = err as Error & { $metadata?: { httpStatusCode?: number }; $response?: { statusCode: number }; code?: string };
  if (e.name === "TimeoutError" || e.code === "ETIMEDOUT") return s3.timeoutError(store, timeoutMs);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (err instanceof S3ServiceException && status) {
    // Without an error body the SDK says "Unknown"/"UnknownError": the signed transport's HTTP<status>, no message.
    const named = e.name && e.name !== "Unknown" && !/^\d+$/.test(e.name) ? e.name : null;
    const message = e.message && e.message !== "UnknownError" && e.message !== named ? e.message : null;
    return s3.answeredError(what, named, status, message);
  }
  if (status) return s3.answeredError(what, null, status, e.message);
  return s3.networkError(store, err);
}

/** The raw answer's status and content type, for a listing the SDK read as empty or could not parse. */
function rawAnswer(x: unknown): { status: number; contentType: string | null } | null {
  const response = (x as { $response?: { statusCode: number; headers: Record<string, string> } }).$response;
  return response ? { status: response.statusCode, contentType: response.headers["content-type"] ?? null } : null;
}

async function listPage(store: s3.S3Store, prefix: string, token: string | undefined, options: s3.RequestOptions): Promise<ListObjectsV2CommandOutput> {
  const timeoutMs = options.timeoutMs ?? s3.DEFAULT_TIMEOUT_MS;
  const command = new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix, ContinuationToken: token });
  // A page with no <Name> is no ListBucketResult (an HTML page parses to an empty output).
  command.middlewareStack.add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        const raw = result.response as { statusCode: number; headers: Record<string, string> };
        if (!(result.output as ListObjectsV2CommandOutput).Name) throw s3.notListingError(store, prefix, raw.statusCode, raw.headers["content-type"] ?? null);
        return result;
      } catch (err) {
        const raw = err instanceof s3.S3RequestError ? null : rawAnswer(err);
        if (raw && raw.status === 200) throw s3.notListingError(store, prefix, raw.status, raw.contentType);
        throw err;
      }
    },
    { step: "deserialize", name: "borelaNotS3Listing", priority: "high" },
  );
  try {
    return await clientFor(store, timeoutMs).send(command, { abortSignal: options.signal });
  } catch (err) {
    throw mapError(store, s3.listWhat(store, prefix), timeoutMs, err);
  }
}

export function listObjects(store: s3.S3Store, prefix: string, options: s3.RequestOptions = {}): Promise<s3.S3Object[]> {
  return s3.listPages(store, prefix, options, async (token) => {
    const out = await listPage(store, prefix, token ?? undefined, options);
    const objects = (out.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) }]));
    return { objects, next: out.IsTruncated ? (out.NextContinuationToken ?? null) : null };
  });
}

export async function getObject(store: s3.S3Store, key: string, options: s3.RequestOptions = {}): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? s3.DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? s3.DEFAULT_MAX_BYTES;
  const range = options.range ? `bytes=${options.range[0]}-${options.range[1]}` : undefined;
  try {
    const out = await clientFor(store, timeoutMs).send(new GetObjectCommand({ Bucket: store.bucket, Key: key, Range: range }), { abortSignal: options.signal });
    const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (!body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > maxBytes) {
        body.destroy?.();
        throw s3.tooLargeError(store, key, maxBytes, out.$metadata.httpStatusCode ?? null);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  } catch (err) {
    throw mapError(store, s3.getWhat(store, key), timeoutMs, err);
  }
}

export const sdkS3: s3.S3Transport = { listObjects, getObject };
