// The exact AssumeRole request the core sends for a project's scoped
// credentials, recorded by a plain HTTP server on loopback standing in for STS:
// signed with the operator's key (which never appears in the answer to the
// agent), the role, a session name from the prefix, and the prefix policy.
// MinIO enforcing that policy is tested in minio-scoping.test.ts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assumeRoleCredentials } from "../../src/storage/scoped-credentials.ts";
import { prefixPolicy } from "../../src/storage/prefix-policy.ts";
import type { S3Settings } from "../../src/config.ts";
import { startTestCore, type TestCore } from "../support/core-server.ts";

interface Recorded {
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
}

let sts: http.Server;
let endpoint: string;
const recorded: Recorded[] = [];
let answer: { status: number; body: string } | null = null;
const EXPIRES = "2031-01-02T03:04:05Z";

function assumeRoleXml(n: number): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
<AccessKeyId>ASIASCOPED${n}</AccessKeyId><SecretAccessKey>scoped-secret-${n}</SecretAccessKey><SessionToken>scoped-session-${n}</SessionToken>
<Expiration>${EXPIRES}</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r${n}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}

beforeAll(async () => {
  sts = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      recorded.push({ headers: req.headers, form: new URLSearchParams(body) });
      const a = answer ?? { status: 200, body: assumeRoleXml(recorded.length) };
      res.writeHead(a.status, { "content-type": "text/xml" }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => sts.close(() => resolve())));

const settings = (): S3Settings => ({
  bucket: "borela-managed",
  endpoint,
  region: "us-east-1",
  accessKeyId: "OPERATORKEY",
  secretAccessKey: "operator-secret-value",
  forcePathStyle: true,
  roleArn: "arn:aws:iam::123456789012:role/borela-agents",
});

describe("assumeRoleCredentials", () => {
  it("sends AssumeRole with the role, the session name and the prefix policy, signed with the operator's key for sts", async () => {
    recorded.length = 0;
    const creds = await assumeRoleCredentials(settings(), "shop-01jabcde", 1800);
    expect(recorded).toHaveLength(1);
    const { form, headers } = recorded[0];
    expect(Object.fromEntries(form)).toEqual({
      Action: "AssumeRole",
      Version: "2011-06-15",
      RoleArn: "arn:aws:iam::123456789012:role/borela-agents",
      RoleSessionName: "borela-shop-01jabcde",
      DurationSeconds: "1800",
      Policy: prefixPolicy("borela-managed", "shop-01jabcde"),
    });
    expect(String(headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=OPERATORKEY\/\d{8}\/us-east-1\/sts\/aws4_request,/);
    expect(JSON.stringify(headers)).not.toContain("operator-secret-value");
    expect(creds).toEqual({ accessKeyId: "ASIASCOPED1", secretAccessKey: "scoped-secret-1", sessionToken: "scoped-session-1", expiresAt: new Date(EXPIRES) });
  });

  it("fails when STS hands back the operator's own key", async () => {
    answer = { status: 200, body: assumeRoleXml(1).replace("ASIASCOPED1", "OPERATORKEY") };
    try {
      await expect(assumeRoleCredentials(settings(), "shop-01jabcde")).rejects.toThrow(/returned the operator's own access key/);
    } finally {
      answer = null;
    }
  });
});

describe("GET /api/v1/agent/config with BORELA_S3_ROLE_ARN", () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore({
      BORELA_S3_BUCKET: "borela-managed",
      BORELA_S3_ENDPOINT: endpoint,
      BORELA_S3_ACCESS_KEY_ID: "OPERATORKEY",
      BORELA_S3_SECRET_ACCESS_KEY: "operator-secret-value",
      BORELA_S3_ROLE_ARN: "arn:aws:iam::123456789012:role/borela-agents",
    });
  });
  afterAll(() => core?.close());

  it("answers each agent with credentials assumed for its own prefix", async () => {
    recorded.length = 0;
    const a = await core.createProject("Shop A");
    const b = await core.createProject("Shop B");
    const ra = await core.api("GET", "/api/v1/agent/config", { token: a.agentToken });
    const rb = await core.api("GET", "/api/v1/agent/config", { token: b.agentToken });
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    const prefixA = (await core.store.project.findUniqueOrThrow({ where: { id: a.id } })).storagePrefix;
    const prefixB = (await core.store.project.findUniqueOrThrow({ where: { id: b.id } })).storagePrefix;
    expect(ra.body.storage).toEqual({
      urlPrefix: `s3://borela-managed/${prefixA}`,
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      accessKeyId: "ASIASCOPED1",
      secretAccessKey: "scoped-secret-1",
      sessionToken: "scoped-session-1",
      expiresAt: "2031-01-02T03:04:05.000Z",
    });
    expect(recorded.map((r) => r.form.get("Policy"))).toEqual([prefixPolicy("borela-managed", prefixA), prefixPolicy("borela-managed", prefixB)]);
    expect(JSON.stringify([ra.body, rb.body])).not.toContain("operator-secret-value");
    expect(JSON.stringify([ra.body, rb.body])).not.toContain("OPERATORKEY");
  });

  it("answers 503 naming the role when STS refuses, without the operator's keys", async () => {
    answer = { status: 403, body: `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to assume role</Message></Error></ErrorResponse>` };
    try {
      const p = await core.createProject("Denied");
      const res = await core.api("GET", "/api/v1/agent/config", { token: p.agentToken });
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/^cannot get scoped credentials: AssumeRole arn:aws:iam::123456789012:role\/borela-agents failed: not authorized to assume role/);
      expect(JSON.stringify(res.body)).not.toContain("operator-secret-value");
    } finally {
      answer = null;
    }
    expect(core.logs()).not.toContain("operator-secret-value");
  });
});
