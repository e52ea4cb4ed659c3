// Who hears about a project, decided from rows read once for a whole planning batch (recipientsFrom):
// the same answer the per-project read gave, whatever other projects' rows are in the batch.
import { describe, expect, it } from "vitest";
import { recipientsFrom, type ChannelRow } from "../../src/alerts/recipients.ts";

const at = new Date("2026-11-29T10:00:00Z");
const row = (id: string, projectId: string | null, type: string, target: string): ChannelRow => ({ id, projectId, type, target, createdAt: at });

describe("recipientsFrom", () => {
  const rows = [
    row("c1", null, "webhook", "http://127.0.0.1:9/ops"),
    row("c2", "a", "slack", "https://hooks.slack.com/services/T/B/x"),
    row("c3", "b", "email", "b-team@example.com"),
  ];

  it("gives a project its own channels and the operator's, in id order, never another project's", () => {
    expect(recipientsFrom("a", null, rows, []).map((r) => r.id)).toEqual(["c1", "c2"]);
    expect(recipientsFrom("c", null, rows, []).map((r) => r.id)).toEqual(["c1"]);
  });

  it("adds the project's alert emails, else the operator's address unless the project has an email channel", () => {
    expect(recipientsFrom("a", " x@example.com, y@example.com ", rows, ["ops@example.com"]).at(-1)).toEqual({ id: null, type: "email", target: "x@example.com,y@example.com", createdAt: null });
    expect(recipientsFrom("a", null, rows, ["ops@example.com"]).at(-1)).toEqual({ id: null, type: "email", target: "ops@example.com", createdAt: null });
    // b has an email channel of its own: the operator's address is not added.
    expect(recipientsFrom("b", null, rows, ["ops@example.com"]).map((r) => r.id)).toEqual(["c1", "c3"]);
    expect(recipientsFrom("c", "", rows, []).map((r) => r.id)).toEqual(["c1"]);
  });
});
