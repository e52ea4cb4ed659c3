// Which credentials a project's agent gets: never the operator's own keys.
import { describe, expect, it } from "vitest";
import { agentKeysProblem, managedSource } from "../../src/storage/managed-source.ts";
import type { S3Settings } from "../../src/config.ts";

const s3: S3Settings = {
  bucket: "borela-managed",
  endpoint: "http://127.0.0.1:9000",
  region: "us-east-1",
  accessKeyId: "OPERATORKEY",
  secretAccessKey: "operator-secret",
  forcePathStyle: true,
  roleArn: null,
};
const project = { id: "01jproject", name: "shop", storagePrefix: "shop-01jproje" };

describe("managedSource", () => {
  it("is off without operator storage", () => {
    expect(managedSource(null, project, true)).toEqual({ kind: "off" });
  });

  it("prefers the role when one is set, attached keys or not", () => {
    const withRole = { ...s3, roleArn: "arn:aws:iam::123456789012:role/borela" };
    expect(managedSource(withRole, project, false)).toEqual({ kind: "role", roleArn: withRole.roleArn });
    expect(managedSource(withRole, project, true)).toEqual({ kind: "role", roleArn: withRole.roleArn });
  });

  it("uses attached keys without a role", () => {
    expect(managedSource(s3, project, true)).toEqual({ kind: "agent-keys" });
  });

  it("refuses without role or keys, saying what the operator must do", () => {
    const source = managedSource(s3, project, false);
    expect(source.kind).toBe("refused");
    const message = (source as { message: string }).message;
    expect(message).toContain('managed storage is refused for project "shop"');
    expect(message).toContain("BORELA_S3_ROLE_ARN");
    expect(message).toContain("PUT /api/v1/projects/01jproject/agent-storage-keys");
    expect(message).toContain("s3://borela-managed/shop-01jproje/");
    expect(message).not.toContain("operator-secret");
    expect(message).not.toContain("OPERATORKEY");
  });
});

describe("agentKeysProblem", () => {
  it("refuses the operator's own key id as a project's keys", () => {
    expect(agentKeysProblem(s3, { accessKeyId: "OPERATORKEY", secretAccessKey: "project-secret" })).toMatch(/^accessKeyId is the operator's own key \(BORELA_S3_ACCESS_KEY_ID\)/);
    expect(agentKeysProblem(s3, { accessKeyId: "PROJECTKEY", secretAccessKey: "project-secret" })).toBeNull();
    expect(agentKeysProblem(null, { accessKeyId: "OPERATORKEY", secretAccessKey: s3.secretAccessKey })).toBeNull();
  });
  it("refuses the operator's secret key under another key id, naming the field", () => {
    expect(agentKeysProblem(s3, { accessKeyId: "PROJECTKEY", secretAccessKey: s3.secretAccessKey })).toMatch(
      /^secretAccessKey is the operator's own secret key \(BORELA_S3_SECRET_ACCESS_KEY\)/,
    );
    expect(agentKeysProblem(s3, { accessKeyId: "PROJECTKEY", secretAccessKey: `${s3.secretAccessKey}x` })).toBeNull();
  });
});
