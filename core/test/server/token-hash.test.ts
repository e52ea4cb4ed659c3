// Stored token hashes (AgentToken.hash, Session.id, the admin token setting) are hex SHA-256 of the token:
// however hashToken computes it, a token issued before must still match.
import { describe, expect, it } from "vitest";
import { hashToken } from "../../src/server/tokens.ts";

describe("hashToken", () => {
  it("is the hex SHA-256 of the token's UTF-8 text", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashToken("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Non-ASCII text is hashed as UTF-8 (a pasted token with a stray character still hashes as before).
    expect(hashToken("é")).toBe("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
  });
});
