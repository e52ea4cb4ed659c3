// GET /api/v1/agent/config with BORELA_S3_ROLE_ARN on a real core and store: one agent token calling
// it in a loop gets 429 with Retry-After past its budget, and its scoped credentials come from one
// AssumeRole, reused; a rotated token or a changed prefix gets a fresh one, and a failed AssumeRole is
// not remembered. STS cannot run here: a plain HTTP server on loopback stands in for AWS STS
// (as in test/storage/assume-role.test.ts) and counts the AssumeRole calls it gets.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { AGENT_CONFIG_BUDGET } from "../../src/server/agent-config-budget.ts";

let sts: http.Server;
let endpoint: string;
const policies: string[] = [];
let refuse = false;
const EXPIRES = "2031-01-02T03:04:05Z";

const assumeRoleXml = (n: number) =>
  `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
<AccessKeyId>ASIASCOPED${n}</AccessKeyId><SecretAccessKey>scoped-secret-${n}</SecretAccessKey><SessionToken>scoped-session-${n}</SessionToken>
<Expiration>${EXPIRES}</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r${n}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
const denied = `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to assume role</Message></Error></ErrorResponse>`;

let core: TestCore;
beforeAll(async () => {
  sts = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      policies.push(new URLSearchParams(body).get("Policy") ?? "");
      if (refuse) res.writeHead(403, { "content-type": "text/xml" }).end(denied);
      else res.writeHead(200, { "content-type": "text/xml" }).end(assumeRoleXml(policies.length));
    });
  });
  await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
  core = await startTestCore({
    BORELA_S3_BUCKET: "borela-managed",
    BORELA_S3_ENDPOINT: endpoint,
    BORELA_S3_ACCESS_KEY_ID: "OPERATORKEY",
    BORELA_S3_SECRET_ACCESS_KEY: "operator-secret-value",
    BORELA_S3_ROLE_ARN: "arn:aws:iam::123456789012:role/borela-agents",
  });
});
afterAll(async () => {
  await core?.close();
  await new Promise<void>((resolve) => sts.close(() => resolve()));
});

const config = (token: string) => core.api("GET", "/api/v1/agent/config", { token });

describe("GET /api/v1/agent/config called in a loop", () => {
  it("answers 150 calls of one token with one AssumeRole, and 429 with Retry-After past the budget", async () => {
    policies.length = 0;
    const p = await core.createProject("loop");
    const statuses: number[] = [];
    const keys = new Set<string>();
    let throttled: Awaited<ReturnType<typeof config>> | null = null;
    for (let i = 0; i < 150; i++) {
      const res = await config(p.agentToken);
      statuses.push(res.status);
      if (res.status === 200) keys.add(res.body.storage.accessKeyId);
      else throttled ??= res;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(AGENT_CONFIG_BUDGET.calls);
    expect(statuses.filter((s) => s === 429)).toHaveLength(150 - AGENT_CONFIG_BUDGET.calls);
    expect(statuses.slice(0, AGENT_CONFIG_BUDGET.calls).every((s) => s === 200)).toBe(true);
    expect(policies).toHaveLength(1);
    expect([...keys]).toEqual(["ASIASCOPED1"]);
    const retryAfter = Number(throttled!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(AGENT_CONFIG_BUDGET.windowMs / 1000);
    expect(throttled!.body.message).toMatch(/^too many agent config requests with this agent token; try again in \d+ s$/);

    // Another project's token has its own budget and its own credentials.
    const other = await core.createProject("loop-other");
    const res = await config(other.agentToken);
    expect(res.status).toBe(200);
    expect(res.body.storage.accessKeyId).toBe("ASIASCOPED2");
    expect(policies).toHaveLength(2);
  });

  it("assumes the role again for a rotated token and for a changed prefix, and does not remember a failure", async () => {
    policies.length = 0;
    const p = await core.createProject("rotated");
    expect((await config(p.agentToken)).body.storage.accessKeyId).toBe("ASIASCOPED1");
    expect((await config(p.agentToken)).body.storage.accessKeyId).toBe("ASIASCOPED1");
    expect(policies).toHaveLength(1);

    const rotated = await core.api("POST", `/api/v1/projects/${p.id}/tokens`, { body: {} });
    expect(rotated.status).toBe(201);
    expect((await config(rotated.body.agentToken)).body.storage.accessKeyId).toBe("ASIASCOPED2");
    expect(policies).toHaveLength(2);

    await core.store.project.update({ where: { id: p.id }, data: { storagePrefix: "rotated-moved01" } });
    const moved = await config(rotated.body.agentToken);
    expect(moved.body.storage.urlPrefix).toBe("s3://borela-managed/rotated-moved01");
    expect(moved.body.storage.accessKeyId).toBe("ASIASCOPED3");
    expect(policies[2]).toContain("rotated-moved01");

    const f = await core.createProject("sts-down");
    refuse = true;
    try {
      expect((await config(f.agentToken)).status).toBe(503);
    } finally {
      refuse = false;
    }
    expect((await config(f.agentToken)).status).toBe(200);
    expect(policies).toHaveLength(5);
  });
});
