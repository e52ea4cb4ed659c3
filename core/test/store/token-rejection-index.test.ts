// Every sweep asks which projects' agents came with a rejected token since the last one (rejectedSince).
// Fault: its SELECT DISTINCT made SQLite scan every AgentToken row through the projectId index instead of
// searching AgentToken_rejectedAt_idx, at each sweep tick, however few tokens were ever rejected.
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile } from "../../src/store/db.ts";
import { SweepReads } from "../../src/store/sweep-reads.ts";
import { TOKEN_REJECTION_SQL } from "../../src/store/token-rejection-sql.ts";
import { at, seedProject } from "../support/sweep-rows.ts";
import { tempStore, type TestStore } from "../support/use-store.ts";

describe("rejectedSince on SQLite", () => {
  let t: TestStore;
  let db: Sqlite.Database;
  beforeAll(async () => {
    t = await tempStore("borela-rejected-idx-");
    db = new Sqlite(databaseFile(t.dir.path));
  });
  afterAll(async () => {
    db.close();
    await t.close();
  });

  it("searches AgentToken by rejectedAt", () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${TOKEN_REJECTION_SQL.rejectedSince}`).all("2026-01-01T00:00:00.000Z") as { detail: string }[]).map((r) => r.detail);
    expect(plan).toEqual(["SEARCH AgentToken USING INDEX AgentToken_rejectedAt_idx (rejectedAt>?)"]);
  });

  it("lists a project once however many of its tokens were rejected, and none rejected before the time", async () => {
    for (const p of ["twice", "once", "earlier"]) await seedProject(t.store, p, at(-5));
    const token = (id: string, projectId: string, rejectedAt: Date) =>
      t.store.agentToken.create({ data: { id, projectId, hash: id.padEnd(64, "0"), hint: "x", revokedAt: at(-60), rejectedAt } });
    await token("a1", "twice", at(-2));
    await token("a2", "twice", at(-1));
    await token("b1", "once", at(-1));
    await token("c1", "earlier", at(-30));
    expect(new SweepReads(db).rejectedSince(at(-10)).sort()).toEqual(["once", "twice"]);
  });
});
