// The session policy that limits credentials to one project's prefix in the
// managed bucket (IAM policy grammar, version 2012-10-17, as AWS STS and MinIO
// read it). Objects: Get/Put/Delete/AbortMultipartUpload on `<prefix>/*` only.
// Listing: ListBucket only with an `s3:prefix` of `<prefix>/` or below, so a
// listing of the bucket root, or of a sibling such as `<prefix>-other/`, is
// refused. Everything else is implicitly denied.

/** Storage prefixes are `[a-z0-9-]` (see projects.ts); anything else could widen the policy (`*`, `?`, `${…}`). */
const PREFIX = /^[a-z0-9][a-z0-9-]{0,199}$/;

/**
 * JSON text of the policy for `bucket` and `prefix` (no slashes at either end).
 * Throws when the prefix holds a character a policy would read as a wildcard or variable.
 */
export function prefixPolicy(bucket: string, prefix: string): string {
  if (!PREFIX.test(prefix)) throw new Error(`storage prefix ${JSON.stringify(prefix)} is not [a-z0-9-]: refusing to build a policy from it`);
  if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket)) throw new Error(`bucket ${JSON.stringify(bucket)} is not a valid S3 bucket name`);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ProjectObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: [`arn:aws:s3:::${bucket}/${prefix}/*`],
      },
      {
        Sid: "ListProjectPrefix",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { "s3:prefix": [`${prefix}/`, `${prefix}/*`] } },
      },
    ],
  });
}
