// The pure parts of pager-closes.ts: which messages keep their target (pager
// raises only), what a delivery records of the channel it used (sealed at
// rest but for email), and a key raised twice closed once.
import { describe, expect, it } from "vitest";
import { distinctTargets, raisesPagerAlert, usedColumns } from "../../src/alerts/pager-closes.ts";
import { isSealedTarget, openTarget } from "../../src/alerts/channels/sealed-target.ts";

const KEY = Buffer.alloc(32, 7);
const PD = "http://127.0.0.1:9/R0123456789abcdef0123456789abcde";

describe("pager closes", () => {
  it("only a pager's opened and reminder messages raise an alert whose target is kept", () => {
    expect(raisesPagerAlert("pagerduty", "opened")).toBe(true);
    expect(raisesPagerAlert("opsgenie", "reminder")).toBe(true);
    expect(raisesPagerAlert("pagerduty", "resolved")).toBe(false);
    expect(raisesPagerAlert("pagerduty", "missed")).toBe(false);
    expect(raisesPagerAlert("slack", "opened")).toBe(false);
    expect(raisesPagerAlert("nonsense", "opened")).toBe(false);
  });

  it("records the type, the display form sealed (email in clear), and a raise's full target sealed", () => {
    const raise = usedColumns(KEY, [{ id: "c", type: "pagerduty", target: PD, secret: null }], "opened");
    expect(raise.channelType).toBe("pagerduty");
    expect(isSealedTarget(raise.channelTarget)).toBe(true);
    expect(openTarget(KEY, raise.channelTarget)).toBe("http://127.0.0.1:9 key …bcde");
    expect(openTarget(KEY, raise.sealedTarget!)).toBe(PD);
    expect(usedColumns(KEY, [{ id: "c", type: "pagerduty", target: PD, secret: null }], "resolved").sealedTarget).toBeUndefined();
    expect(usedColumns(KEY, [{ id: null, type: "email", target: "a@x.example,b@x.example", secret: null }], "opened")).toEqual({ channelType: "email", channelTarget: "a@x.example,b@x.example" });
    const two = usedColumns(KEY, [{ id: "c", type: "pagerduty", target: PD, secret: null }, { id: "c", type: "pagerduty", target: "http://127.0.0.1:9/R0123456789abcdef0123456789azzzz", secret: null }], "resolved");
    expect(openTarget(KEY, two.channelTarget)).toBe("http://127.0.0.1:9 key …bcde, http://127.0.0.1:9 key …zzzz");
  });

  it("a key raised twice (opened, then reminders) is closed once, in the order raised", () => {
    const a = { type: "pagerduty" as const, target: "A" };
    const b = { type: "pagerduty" as const, target: "B" };
    expect(distinctTargets([a, a, b, a])).toEqual([a, b]);
    expect(distinctTargets([{ type: "opsgenie", target: "A" }, a])).toHaveLength(2);
  });
});
