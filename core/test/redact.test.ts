import { describe, expect, it } from "vitest";
import { withoutSecrets } from "../src/redact.ts";

describe("withoutSecrets", () => {
  it("masks each secret, raw and URL-decoded, and ignores empty ones", () => {
    expect(withoutSecrets("pw s3cr%2Ft and s3cr/t, token abc", ["s3cr%2Ft", null, "", "abc"])).toBe("pw [redacted] and [redacted], token [redacted]");
    expect(withoutSecrets("nothing here", [undefined], "REDACTED")).toBe("nothing here");
  });

  it("masks a secret's start where the text was cut mid-secret (an error answer clipped to 200 characters)", () => {
    // retest19: "…auth= key=gotifyTOKE" went to the API, the log and the database.
    expect(withoutSecrets("answered HTTP 500: auth= key=gotifyTOKE", ["gotifyTOKENsecret123"])).toBe("answered HTTP 500: auth= key=[redacted]");
    expect(withoutSecrets("ends in got", ["gotifyTOKENsecret123"])).toBe("ends in got");
    expect(withoutSecrets("key=gotifyTOKENsecret123 then gotify", ["gotifyTOKENsecret123"])).toBe("key=[redacted] then [redacted]");
  });
});
