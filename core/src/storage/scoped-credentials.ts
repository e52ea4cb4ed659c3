// Credentials handed to a project's agent for its managed replica. With a role
// to assume (AWS STS, MinIO), they are scoped by a session policy to the
// project's prefix and expire; otherwise the operator's own keys are returned.
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import type { S3Settings } from "../config.ts";

export interface ReplicaCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | null;
  expiresAt: Date | null;
}

export function prefixPolicy(bucket: string, prefix: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`arn:aws:s3:::${bucket}/${prefix}/*`] },
      {
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { "s3:prefix": [`${prefix}/*`, prefix] } },
      },
    ],
  });
}

export async function scopedCredentials(s3: S3Settings, prefix: string, ttlSeconds = 3600): Promise<ReplicaCredentials> {
  if (!s3.roleArn) {
    return { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, sessionToken: null, expiresAt: null };
  }
  const sts = new STSClient({
    region: s3.region,
    endpoint: s3.endpoint ?? undefined,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: s3.roleArn,
      RoleSessionName: `borela-${prefix}`.slice(0, 64).replace(/[^\w+=,.@-]/g, "-"),
      DurationSeconds: ttlSeconds,
      Policy: prefixPolicy(s3.bucket, prefix),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${s3.roleArn} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken ?? null, expiresAt: c.Expiration ?? null };
}
