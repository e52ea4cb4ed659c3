// An S3-compatible server for tests: fauxqs 1.9 started in-process on
// 127.0.0.1 (its CLI would listen on every interface). fauxqs accepts any
// credentials, so `startS3` adds an onRequest hook that rejects access key ids
// other than the known ones with S3's own InvalidAccessKeyId error — that is
// how wrong-credential tests get a real S3 auth failure. `denyDeletes(prefix)`
// answers DeleteObjects as S3 does under a deny policy: 200 with a per-key
// AccessDenied <Error> in the body (retention then fails while uploads work). `down()`/`up()` close
// and re-open the same listener (same port, same in-memory buckets) for
// "storage down, then back" tests.
import { buildApp } from "fauxqs";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

export interface S3Server {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Creates a bucket with the known credentials. */
  createBucket(name: string): Promise<void>;
  /** A client with the known credentials (path style). */
  client(): S3Client;
  /** Hold every request until the returned release() is called (slow or hung storage). */
  stall(): () => void;
  /** Count of requests rejected by the credential hook. */
  rejectedRequests(): number;
  /** Requests seen per access key id (accepted or not). */
  requestsByKey(): Map<string, number>;
  /**
   * Answer DeleteObjects for keys under `prefix` ("bucket/key-prefix") as S3 does when a policy denies
   * s3:DeleteObject: HTTP 200 with a per-key AccessDenied <Error> in the XML body. null: deletes work again.
   */
  denyDeletes(prefix: string | null): void;
  /** DeleteObjects requests answered with AccessDenied so far. */
  deniedDeletes(): number;
  /** Stop listening (connections dropped); the data stays in memory. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

export interface S3Options {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  /** Extra access key ids to accept besides the known one. */
  extraAccessKeyIds?: string[];
}

const HOST = "127.0.0.1";

/** The access key id of a SigV4 request: Authorization header or presigned query. */
/** The core's BORELA_S3_* settings for managed storage in `bucket` on a loopback S3 server (path style, its known keys). */
export function managedStorageEnv(s3: Pick<S3Server, "endpoint" | "accessKeyId" | "secretAccessKey">, bucket: string): Record<string, string> {
  return {
    BORELA_S3_BUCKET: bucket,
    BORELA_S3_ENDPOINT: s3.endpoint,
    BORELA_S3_REGION: "us-east-1",
    BORELA_S3_ACCESS_KEY_ID: s3.accessKeyId,
    BORELA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    BORELA_S3_FORCE_PATH_STYLE: "true",
  };
}

export function accessKeyIdOf(headers: Record<string, string | string[] | undefined>, url: string): string | null {
  const auth = headers.authorization;
  const header = Array.isArray(auth) ? auth[0] : auth;
  const fromHeader = header?.match(/Credential=([^/,\s]+)\//)?.[1];
  if (fromHeader) return fromHeader;
  const query = url.includes("?") ? new URLSearchParams(url.slice(url.indexOf("?") + 1)) : null;
  const credential = query?.get("X-Amz-Credential");
  return credential ? credential.split("/")[0] : null;
}

function invalidAccessKeyXml(keyId: string | null): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Error>`,
    `  <Code>InvalidAccessKeyId</Code>`,
    `  <Message>The AWS Access Key Id you provided does not exist in our records.</Message>`,
    `  <AWSAccessKeyId>${(keyId ?? "").replace(/[<>&]/g, "")}</AWSAccessKeyId>`,
    `  <RequestId>BORELATEST</RequestId>`,
    `</Error>`,
  ].join("\n");
}

export async function startS3(options: S3Options = {}): Promise<S3Server> {
  const accessKeyId = options.accessKeyId ?? "BORELATESTKEY";
  const secretAccessKey = options.secretAccessKey ?? "borela-test-secret";
  const region = options.region ?? "us-east-1";
  const known = new Set([accessKeyId, ...(options.extraAccessKeyIds ?? [])]);
  let rejected = 0;
  let gate: Promise<void> | null = null;
  const byKey = new Map<string, number>();

  const app = buildApp({ logger: false });
  app.addHook("onRequest", async (request, reply) => {
    if (gate) await gate;
    const keyId = accessKeyIdOf(request.headers, request.url);
    byKey.set(keyId ?? "", (byKey.get(keyId ?? "") ?? 0) + 1);
    if (keyId !== null && known.has(keyId)) return;
    rejected++;
    await reply.code(403).header("content-type", "application/xml").send(invalidAccessKeyXml(keyId));
  });
  let denyPrefix: string | null = null;
  let denied = 0;
  app.addHook("preHandler", async (request, reply) => {
    if (!denyPrefix || request.method !== "POST" || !/[?&]delete(=|&|$)/.test(request.url)) return;
    const bucket = request.url.split("?")[0].replace(/^\/+/, "").split("/")[0];
    const body = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : String(request.body ?? "");
    const keys = [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
    if (!keys.some((k) => `${bucket}/${k}`.startsWith(denyPrefix!))) return;
    denied++;
    const errors = keys.map((k) => `<Error><Key>${k}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`).join("");
    await reply
      .code(200)
      .header("content-type", "application/xml")
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors}</DeleteResult>`);
  });
  await app.listen({ host: HOST, port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== "object") throw new Error(`fauxqs gave no address: ${JSON.stringify(address)}`);
  const port = address.port;
  const endpoint = `http://${HOST}:${port}`;
  let listening = true;

  const client = () =>
    new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });

  return {
    endpoint,
    port,
    region,
    accessKeyId,
    secretAccessKey,
    client,
    rejectedRequests: () => rejected,
    denyDeletes(prefix) {
      denyPrefix = prefix;
    },
    deniedDeletes: () => denied,
    requestsByKey: () => new Map(byKey),
    stall() {
      let release = () => {};
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
    async createBucket(name) {
      const s3 = client();
      try {
        await s3.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        s3.destroy();
      }
    },
    down,
    up,
    async stop() {
      if (!listening) await up().catch(() => undefined);
      await app.close();
      listening = false;
    },
  };

  async function down(): Promise<void> {
    if (!listening) return;
    listening = false;
    await new Promise<void>((resolve) => {
      app.server.close(() => resolve());
      app.server.closeAllConnections();
    });
  }

  async function up(): Promise<void> {
    if (listening) return;
    await new Promise<void>((resolve, reject) => {
      app.server.once("error", reject);
      app.server.listen({ host: HOST, port }, () => {
        app.server.off("error", reject);
        resolve();
      });
    });
    listening = true;
  }
}
