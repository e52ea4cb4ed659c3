// AWS Signature Version 4 for S3 GET requests. A few lines of node:crypto
// instead of @aws-sdk/client-s3 in the agent: the SDK alone adds ~18-25 MB of
// RSS, more than the agent's whole budget. Verified in tests against
// @smithy/signature-v4, the SDK's own signer.
//
//   signS3Request(request: UnsignedRequest, credentials, region, now = new Date()): Record<string, string>
//     → the headers to send (host, x-amz-date, x-amz-content-sha256, [x-amz-security-token], authorization)
//   encodeRfc3986(s: string): string
import { createHash, createHmac } from "node:crypto";

export interface UnsignedRequest {
  method: string;
  /** Host header value (host[:port]). */
  host: string;
  /** Raw path, not yet encoded, e.g. "/bucket/key with space". */
  path: string;
  query: Record<string, string>;
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
}

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function encodePath(p: string): string {
  return p.split("/").map(encodeRfc3986).join("/");
}

export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .map((k) => [encodeRfc3986(k), encodeRfc3986(query[k])] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export function signS3Request(request: UnsignedRequest, credentials: SigningCredentials, region: string, now = new Date()): Record<string, string> {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const headers: Record<string, string> = {
    host: request.host,
    "x-amz-content-sha256": EMPTY_SHA256,
    "x-amz-date": date,
  };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(";");
  const canonical = [
    request.method,
    encodePath(request.path),
    canonicalQuery(request.query),
    names.map((n) => `${n}:${headers[n].trim()}\n`).join(""),
    signedHeaders,
    EMPTY_SHA256,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", date, scope, createHash("sha256").update(canonical, "utf8").digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
