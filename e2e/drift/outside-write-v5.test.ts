// The outside-write fault (outside-write.test.ts, on 0.3) on Litestream 0.5.16: `cp edited.sqlite3
// app.sqlite3` over a live WAL database (same inode, content rewritten outside SQLite) with a real agent
// running a real 0.5. Litestream 0.5 follows only the WAL, so it goes on as if nothing happened and its
// TXID stays put: an error naming the file and what happened, one incident, one alert email.
// On the old agent the check ran only on 0.3's shadow WAL position: the project stayed `fresh`.
import { execFileSync } from "node:child_process";
import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { waitForStatus } from "../../core/test/agent/harness.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { editedCopy } from "./outside-edit.ts";
import { useWorld } from "./use-world.ts";

const world = useWorld();

describe("a database file rewritten outside SQLite under Litestream 0.5", () => {
  it("cp over the live file → error saying it was rewritten outside SQLite with the TXID it stuck at, one incident", async () => {
    const s = await world.scenario("outside-write-v5", {}, { litestream: "0.5" });
    await s.writer!.stop();
    await new Promise((r) => setTimeout(r, 3_000)); // let Litestream take the last writes
    const edited = await editedCopy(s.dbPath);
    const inode = (await stat(s.dbPath)).ino;
    const before = s.agent!.agent.lastPayload()!.databases[0].position!.offset;
    const t0 = Date.now();
    execFileSync("cp", [edited, s.dbPath]);
    expect((await stat(s.dbPath)).ino).toBe(inode);

    const reason = /app\.sqlite3 changed on disk but Litestream's TXID did not move for \d+s \(TXID 0x[0-9a-f]{2,}\): the file was rewritten outside SQLite \(copied over\?\)/;
    const detail = await waitForStatus(world.core, s.projectId, "error", 45_000);
    const seconds = (Date.now() - t0) / 1000;
    expect(detail.statusReasons.join("\n")).toMatch(reason);
    // The project's automatic first drill may mail on its own (drill_*): only the freshness alert is this fault's.
    const freshnessMails = () => s!.mails().filter((m) => !/DRILL/.test(m.subject ?? ""));
    const mail = await waitFor(() => freshnessMails().find((m) => /^\[Borela\] ERROR: outside-write-v5 \/ app/.test(m.subject ?? "")), { timeoutMs: 30_000, what: "the error email" });
    expect(mail.text).toMatch(reason);
    expect(freshnessMails()).toHaveLength(1);
    const text = detail.databases[0].errors.join("\n");
    expect(text).toMatch(/a restore gives the old content/);
    // The TXID it names is the database's, which 0.5 never moved for the copy.
    const named = Number.parseInt(/\(TXID 0x([0-9a-f]+)\)/.exec(text)![1], 16);
    expect(named).toBeGreaterThanOrEqual(before);
    expect(detail.databases[0].position!.offset).toBe(named);
    const incidents = (await world.core.api("GET", `/api/v1/projects/${s.projectId}/incidents`)).body as Array<{ kind: string; open: boolean }>;
    expect(incidents.filter((i) => !i.kind.startsWith("drill_")).map((i) => [i.kind, i.open])).toEqual([["error", true]]);
    // It lasts: 0.5 takes no snapshot on its own within minutes, so the replica still holds the old content.
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await world.core.api("GET", `/api/v1/projects/${s.projectId}`)).body.status).toBe("error");
    console.log(`[outside-write-v5] error ${seconds.toFixed(1)} s after the cp (TXID ${named})`);
  }, 150_000);
});
