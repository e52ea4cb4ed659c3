// A real MinIO server for tests that need an S3 server which enforces
// policies (fauxqs accepts any key and evaluates none). Built from source with
// the Go toolchain by scripts/install-minio.sh into .tools/bin/minio
// (BORELA_MINIO_BIN overrides). Listens on 127.0.0.1 only, console and update
// checks off, data in a temp dir removed on stop. The root user is the
// "operator": MinIO's STS AssumeRole accepts it and applies a session policy.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { freePort } from "../support/ports.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { stopChild, watchChild } from "../support/child-output.ts";

export const MINIO_BIN = process.env.BORELA_MINIO_BIN ?? path.resolve(import.meta.dirname, "..", "..", "..", ".tools", "bin", "minio");

export interface MinioServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  rootUser: string;
  rootPassword: string;
  createBucket(name: string): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

/** An S3 client of `server` with `keys` (temporary ones carry a session token), one attempt per request. */
export function minioClient(server: MinioServer, keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | null }): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken ?? undefined },
  });
}

/** "allowed" when the request succeeds, else the S3 error's name (AccessDenied…). */
export async function s3Outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "allowed";
  } catch (err) {
    return (err as { name?: string }).name ?? String(err);
  }
}

export async function startMinio(): Promise<MinioServer> {
  if (!existsSync(MINIO_BIN)) throw new Error(`no MinIO binary at ${MINIO_BIN}: run bash scripts/install-minio.sh`);
  const dir: TmpDir = await tmpDir("borela-minio-");
  const port = await freePort();
  const rootUser = "borelaoperator";
  const rootPassword = `operator-secret-${Math.random().toString(36).slice(2)}`;
  const child: ChildProcess = spawn(MINIO_BIN, ["server", path.join(dir.path, "data"), "--address", `127.0.0.1:${port}`, "--quiet"], {
    env: {
      PATH: process.env.PATH,
      HOME: dir.path,
      MINIO_ROOT_USER: rootUser,
      MINIO_ROOT_PASSWORD: rootPassword,
      MINIO_BROWSER: "off",
      MINIO_UPDATE: "off",
      MINIO_CALLHOME_ENABLE: "off",
      MINIO_REGION: "us-east-1",
      MINIO_CI_CD: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { output } = watchChild(child, 100_000);
  const endpoint = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`MinIO exited (${child.exitCode}): ${output().slice(-2000)}`);
    const ready = await fetch(`${endpoint}/minio/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline || i > 600) {
      child.kill("SIGKILL");
      throw new Error(`MinIO not ready on ${endpoint} within 60 s: ${output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    endpoint,
    rootUser,
    rootPassword,
    async createBucket(name) {
      const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: rootUser, secretAccessKey: rootPassword } });
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
    },
    output,
    async stop() {
      await stopChild(child, 10_000);
      await dir.remove();
    },
  };
}
