// Pure: what PagerDuty and Opsgenie are told for each kind of message, so a
// page raised for an incident is always closed under the same key.
import { describe, expect, it } from "vitest";
import { pagerActions } from "../../../src/alerts/channels/pager.ts";
import { groupContext } from "../../../src/alerts/grouping.ts";
import { opened } from "./contexts.ts";

const a = opened({ incidentId: "inc_a", database: "a" });
const b = opened({ incidentId: "inc_b", database: "b" });
const keys = (c: Parameters<typeof pagerActions>[0]) => pagerActions(c).map((x) => `${x.action} ${x.key}`);

describe("pager actions", () => {
  it("raise on opened and reminder, close on resolved and missed, keyed by the incident", () => {
    expect(keys(a)).toEqual(["raise inc_a"]);
    expect(keys({ ...a, event: "reminder" })).toEqual(["raise inc_a"]);
    expect(keys({ ...a, event: "resolved" })).toEqual(["close inc_a"]);
    expect(keys({ ...a, event: "missed" })).toEqual(["close inc_a"]);
  });

  it("one message about several databases raises or closes each incident, and a summary closes each it lists", () => {
    expect(keys(groupContext([a, b]))).toEqual(["raise inc_a", "raise inc_b"]);
    expect(keys(groupContext([{ ...a, event: "resolved" }, { ...b, event: "resolved" }]))).toEqual(["close inc_a", "close inc_b"]);
    expect(keys({ ...a, event: "summary", incidentId: undefined, items: [{ ...a, event: "missed" }, { ...b, event: "missed" }] })).toEqual(["close inc_a", "close inc_b"]);
  });

  it("a message that names no incident fails for good instead of paging under a made-up key", () => {
    expect(() => pagerActions({ ...a, incidentId: undefined })).toThrow(/names no incident/);
  });
});
