// Fault 5 of issue 12: `cp edited.sqlite3 app.sqlite3` over a live WAL
// database (same inode, content rewritten outside SQLite) with a real agent and
// Litestream running. The main file changes while Litestream's position stays
// put: an error naming what happened, one incident, one alert email.
import { execFileSync } from "node:child_process";
import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { expectAlert } from "./world.ts";
import { editedCopy } from "./outside-edit.ts";
import { useWorld } from "./use-world.ts";

const world = useWorld();

describe("a database file rewritten outside SQLite", () => {
  it("cp over the live file → error saying it was rewritten outside SQLite, one incident", async () => {
    const s = await world.scenario("outside-write");
    await s.writer!.stop();
    await new Promise((r) => setTimeout(r, 3_000)); // let Litestream take the last writes
    const edited = await editedCopy(s.dbPath);
    const inode = (await stat(s.dbPath)).ino;
    const t0 = Date.now();
    execFileSync("cp", [edited, s.dbPath]);
    expect((await stat(s.dbPath)).ino).toBe(inode);

    const detail = await expectAlert(
      s,
      "error",
      /app\.sqlite3 changed on disk but Litestream's position did not move for \d+s \(generation [0-9a-f]{16}, index \d+, offset \d+\): the file was rewritten outside SQLite \(copied over\?\)/,
      /^\[Borela\] ERROR: outside-write \/ app/,
      t0,
      45_000,
    );
    expect(detail.databases[0].errors.join("\n")).toMatch(/a restore gives the old content/);
    const incidents = (await world.core.api("GET", `/api/v1/projects/${s.projectId}/incidents`)).body as Array<{ kind: string; open: boolean }>;
    expect(incidents.map((i) => [i.kind, i.open])).toEqual([["error", true]]);
    console.log(`[outside-write] error ${((Date.now() - t0) / 1000).toFixed(1)} s after the cp`);
  }, 150_000);
});
