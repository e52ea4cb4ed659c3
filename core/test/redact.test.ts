import { describe, expect, it } from "vitest";
import { withoutSecrets } from "../src/redact.ts";

describe("withoutSecrets", () => {
  it("masks each secret, raw and URL-decoded, and ignores empty ones", () => {
    expect(withoutSecrets("pw s3cr%2Ft and s3cr/t, token abc", ["s3cr%2Ft", null, "", "abc"])).toBe("pw [redacted] and [redacted], token [redacted]");
    expect(withoutSecrets("nothing here", [undefined], "REDACTED")).toBe("nothing here");
  });
});
