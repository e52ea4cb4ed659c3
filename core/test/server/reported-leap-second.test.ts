// A reported time RFC 3339 allows but JavaScript cannot read (a leap second, 23:59:60) is a 400 naming the
// field, not a 500 from the ingest (found: the schema's date-time format accepted it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readableDateTime } from "../../src/server/validation.ts";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core?.close();
});

describe("reported date-times", () => {
  it("readableDateTime: RFC 3339 and readable by Date.parse", () => {
    expect(readableDateTime("2026-11-29T23:59:59.999Z")).toBe(true);
    expect(readableDateTime("2026-11-29T23:59:59+02:00")).toBe(true);
    expect(readableDateTime("2026-11-29T23:59:60Z")).toBe(false);
    expect(readableDateTime("2026-02-30T00:00:00Z")).toBe(false);
    expect(readableDateTime("Nov 29 2026")).toBe(false);
  });

  it.each(["sentAt", "lastSnapshotAt", "pendingSince", "lastWalAt"])("a leap second in %s answers 400 naming it and stores nothing", async (field) => {
    const p = await core.createProject(`leap-${field}`);
    const hb = heartbeat() as ReturnType<typeof heartbeat> & { databases: { replicas: Record<string, unknown>[] }[] };
    if (field === "sentAt") (hb as { sentAt: string }).sentAt = "2026-11-29T23:59:60Z";
    else hb.databases[0].replicas[0][field] = "2026-11-29T23:59:60Z";
    const r = await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain(field);
    expect(await core.store.heartbeat.count({ where: { projectId: p.id } })).toBe(0);
  });
});
