import { describe, expect, it } from "vitest";
import { passwordsDiffer } from "../src/lib/password.ts";

describe("passwordsDiffer", () => {
  it("refuses a confirmation that is not the password, to the character", () => {
    expect(passwordsDiffer("correct horse", "correct horse")).toBeNull();
    expect(passwordsDiffer("correct horse", "correct horse ")).toBe("the two passwords differ");
    expect(passwordsDiffer("", "x")).toBe("the two passwords differ");
  });
});
