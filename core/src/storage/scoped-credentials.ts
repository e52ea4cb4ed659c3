// Short-lived credentials for a project's agent in managed mode: STS
// AssumeRole of BORELA_S3_ROLE_ARN with the prefix session policy, signed with
// the operator's keys on the core (they never leave it). Works against AWS STS
// and MinIO (which serves STS on its S3 endpoint and accepts AssumeRole from
// its own users; it ignores RoleArn).
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import type { S3Settings } from "../config.ts";
import { prefixPolicy } from "./prefix-policy.ts";

export interface ReplicaCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | null;
  expiresAt: Date | null;
}

/** RoleSessionName: `borela-<prefix>`, at most 64 characters of `[\w+=,.@-]`. */
function roleSessionName(prefix: string): string {
  return `borela-${prefix}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

/**
 * AssumeRole(s3.roleArn) limited to `<bucket>/<prefix>/`, valid `ttlSeconds` (900–43200 on AWS).
 * Errors: no role configured; the STS call's own error (network, AccessDenied, …); an answer without keys.
 */
export async function assumeRoleCredentials(s3: S3Settings, prefix: string, ttlSeconds = 3600): Promise<ReplicaCredentials> {
  if (!s3.roleArn) throw new Error("BORELA_S3_ROLE_ARN is not set: no role to assume");
  const sts = new STSClient({
    region: s3.region,
    endpoint: s3.endpoint ?? undefined,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    maxAttempts: 2,
  });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: s3.roleArn,
        RoleSessionName: roleSessionName(prefix),
        DurationSeconds: ttlSeconds,
        Policy: prefixPolicy(s3.bucket, prefix),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${s3.roleArn} returned no credentials`);
    if (c.AccessKeyId === s3.accessKeyId) throw new Error(`AssumeRole ${s3.roleArn} returned the operator's own access key`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken ?? null, expiresAt: c.Expiration ?? null };
  } finally {
    sts.destroy();
  }
}
