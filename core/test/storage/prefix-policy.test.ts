// The session policy is the whole of what scoped credentials may do: objects
// only under `<prefix>/`, listing only with a prefix under `<prefix>/`.
import { describe, expect, it } from "vitest";
import { prefixPolicy } from "../../src/storage/prefix-policy.ts";

describe("prefixPolicy", () => {
  const policy = JSON.parse(prefixPolicy("borela-managed", "shop-01jabcde"));

  it("allows object actions only on the project's prefix", () => {
    const objects = policy.Statement.find((s: any) => s.Sid === "ProjectObjects");
    expect(objects).toEqual({
      Sid: "ProjectObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: ["arn:aws:s3:::borela-managed/shop-01jabcde/*"],
    });
  });

  it("allows ListBucket only under `<prefix>/`: not the bucket root, not the bare prefix (which would list `<prefix>-sibling/`)", () => {
    const list = policy.Statement.find((s: any) => s.Sid === "ListProjectPrefix");
    expect(list.Action).toEqual(["s3:ListBucket"]);
    expect(list.Resource).toEqual(["arn:aws:s3:::borela-managed"]);
    expect(list.Condition).toEqual({ StringLike: { "s3:prefix": ["shop-01jabcde/", "shop-01jabcde/*"] } });
  });

  it("has no other statement, no Deny to lean on and no wildcard action", () => {
    expect(policy.Statement).toHaveLength(2);
    expect(policy.Statement.every((s: any) => s.Effect === "Allow")).toBe(true);
    expect(JSON.stringify(policy)).not.toMatch(/"s3:\*"|"\*"/);
  });

  it.each(["", "a*", "a?b", "${aws:username}", "a/b", "../x", "A"])("refuses the prefix %j (policy wildcards, variables, slashes)", (prefix) => {
    expect(() => prefixPolicy("borela-managed", prefix)).toThrow(/storage prefix .* is not \[a-z0-9-\]/);
  });

  it("refuses a bucket name that is not one", () => {
    expect(() => prefixPolicy("b*", "shop-1")).toThrow(/bucket "b\*" is not a valid S3 bucket name/);
  });
});
