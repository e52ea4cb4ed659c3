// A new-user tester's finding, on a real Litestream 0.5.16 agent with a file replica: the replica emptied
// while the agent was stopped ("start the backup over"), the agent started (Litestream writes a snapshot up
// to its old TXID, then stops on its missing LTX files), then Litestream's state reset as its own hint says
// and the agent started again. Litestream counts from TXID 1 again over a replica whose snapshot reaches the
// old TXID (here: its other LTX files removed, as the tester's Litestream had none left to upload): a plain `litestream restore` gives the old snapshot's rows, not the database's. The old code
// said "fresh: replicas caught up" and the drill passed with RPO 0; now the project is `error` naming the
// other history, and the drill fails, where the plain restore gives fewer rows than the live database.
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { litestreamMetaDir } from "../../src/litestream/shadow-wal.ts";
import { restore05 } from "../litestream/live-v5.ts";
import { addRows, runDrillNow, tableCounts } from "../drills/fixtures.ts";
import { sleep, waitFor } from "../support/wait-for.ts";
import { waitForStatus } from "./harness.ts";
import { useHarness } from "./use-harness.ts";
import { v5AgentProject } from "./v5-agent-project.ts";
import { writePastSnapshot } from "./writes-past-snapshot.ts";

const h = useHarness();

describe("agent on Litestream 0.5: its state reset over a replica that held later TXIDs", () => {
  it("is `error` naming another history, and the drill fails, while a plain restore gives fewer rows than live", async () => {
    const name = "v5-other-history";
    const settings = { staleAfterSeconds: 20, heartbeatGraceSeconds: 30 };
    const { p, file, replica, agent } = await v5AgentProject(h, name, settings);
    const caughtUp = await writePastSnapshot(h.core, p.id, file, replica);
    const oldHigh = caughtUp.databases[0].position!.offset;
    await agent.stop();

    // The replica emptied; the agent started again: Litestream snapshots its old TXID into it, then stops on the missing files.
    rmSync(replica, { recursive: true, force: true });
    const run = { server: h.core.url, token: p.agentToken, databases: [file], replicaUrl: `file://${replica}`, dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.5" } };
    const second = await h.runAgent(run);
    const snapshots = path.join(replica, "ltx", "9");
    await waitFor(() => (existsSync(snapshots) && readdirSync(snapshots).length > 0 ? true : null), { timeoutMs: 30_000, what: "a snapshot in the emptied replica" });
    await second.stop();
    // The tester's Litestream had cleaned its local LTX files long before, so it could upload only the snapshot;
    // this Litestream still had them and uploaded them too: they go, leaving the snapshot, as there.
    for (const level of readdirSync(path.join(replica, "ltx"))) if (level !== "9") rmSync(path.join(replica, "ltx", level), { recursive: true, force: true });
    const listing = () => readdirSync(path.join(replica, "ltx")).flatMap((l) => readdirSync(path.join(replica, "ltx", l)).map((f) => `${l}/${f}`)).join(" ");
    console.log(`[v5-other-history] old TXID ${oldHigh}; after the second agent: ${listing()}`);

    // Litestream's state reset (its own hint: `litestream reset`, or delete the .<db>-litestream directory), the agent started again.
    rmSync(litestreamMetaDir(file), { recursive: true, force: true });
    const third = await h.runAgent(run);
    addRows(file, 5, 5);
    await sleep(5000);
    console.log(`[v5-other-history] after the reset: ${listing()}`);
    const error = await waitForStatus(h.core, p.id, "error", 60_000, (x) => /another history/.test(x.statusReasons.join("\n")));
    const reason = error.statusReasons.join("\n");
    expect(reason).toMatch(new RegExp(`the replica holds another history: a latest restore reached TXID 0x0*${oldHigh.toString(16)} while the database was at 0x[0-9a-f]+`));
    const dbTxid = error.databases[0].position!.offset;
    expect(dbTxid).toBeLessThan(oldHigh);

    // What a plain restore of that replica gives: the old snapshot, short of the rows written since.
    const restored = path.join(h.dir.path, `${name}-plain.sqlite3`);
    expect(await restore05(path.join(h.dir.path, `${name}-plain`), { type: "file", path: replica }, restored)).toBeNull();
    const plain = tableCounts(restored);
    const live = tableCounts(file);
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(total(plain)).toBeLessThan(total(live));

    // The drill's files predate the report it compares with by more than the clock slack.
    await sleep(11_000);
    const drill = await runDrillNow(h.core, p.id);
    expect(drill.status).toBe("failed");
    expect(drill.report.error).toMatch(/^the backup reaches TXID 0x[0-9a-f]+, past the database's TXID 0x[0-9a-f]+ the agent reported at \S+Z, with files made before that report .*another history/);
    console.log(`[v5-other-history] old TXID ${oldHigh}, database at ${dbTxid}; plain restore ${total(plain)} rows, live ${total(live)}; drill: ${drill.report.error.slice(0, 80)}…`);

    // The remedy the reason names: the replica started over (emptied, Litestream's state reset, the agent started).
    await third.stop();
    rmSync(replica, { recursive: true, force: true });
    rmSync(litestreamMetaDir(file), { recursive: true, force: true });
    await h.runAgent(run);
    const fresh = await waitForStatus(h.core, p.id, "fresh", 60_000, (x) => x.databases[0].errors.length === 0 && x.databases[0].replicas[0].position?.offset === x.databases[0].position?.offset);
    expect(fresh.statusReasons.join("\n")).not.toMatch(/another history/);
    const passed = await runDrillNow(h.core, p.id);
    expect(passed.status).toBe("passed");
    const again = path.join(h.dir.path, `${name}-again.sqlite3`);
    expect(await restore05(path.join(h.dir.path, `${name}-again`), { type: "file", path: replica }, again)).toBeNull();
    expect(passed.report.tables).toEqual(tableCounts(again));
    expect(tableCounts(again)).toEqual(tableCounts(file));
  }, 180_000);
});
