import { describe, expect, it } from "vitest";
import { reporting } from "../src/lib/reporting.ts";

describe("reporting", () => {
  it("reports a failure's message instead of rejecting, and says whether the work succeeded", async () => {
    const reported: string[] = [];
    const report = (message: string) => reported.push(message);
    let ran = false;
    expect(await reporting(report, async () => void (ran = true))).toBe(true);
    expect(ran).toBe(true);
    expect(await reporting(report, async () => Promise.reject(new Error("name: already taken")))).toBe(false);
    expect(await reporting(report, () => { throw new Error("sync refusal"); })).toBe(false);
    expect(reported).toEqual(["name: already taken", "sync refusal"]);
  });
});
