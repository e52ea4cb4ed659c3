// Issue 16, gap 4, end to end on a real Litestream 0.5.16: an agent adopting a litestream.yml with
// `snapshot: {interval: 1h, retention: 2h}` runs Litestream with that block (0.5.16 accepts it), reports
// { intervalSeconds: 3600, retentionSeconds: 7200 } in each heartbeat (accepted by the core's schema), and a
// drill of the replica whose newest snapshot is 5 h old warns against the 2 h retention, then passes with the
// counts a plain `litestream restore` gives. On the old code the drill judged 5 h against the default 24 h:
// no warning.
import { readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { addRows, seededDatabase } from "../drills/fixtures.ts";
import { run05 } from "../litestream/live-v5.ts";
import { waitFor } from "../support/wait-for.ts";
import { waitForStatus } from "./harness.ts";
import { useHarness } from "./use-harness.ts";

const h = useHarness();

describe("Litestream 0.5's configured snapshot retention", () => {
  it("adopted from litestream.yml, reported in heartbeats, used by the drill's snapshot-age warning", async () => {
    const p = await h.core.createProject("v5-retention", { staleAfterSeconds: 30, heartbeatGraceSeconds: 15 });
    const file = seededDatabase(path.join(h.dir.path, "v5-retention"));
    const replica = path.join(h.dir.path, "v5-retention-replica");
    const config = path.join(h.dir.path, "litestream.yml");
    writeFileSync(config, `snapshot:\n  interval: 1h\n  retention: 2h\ndbs:\n  - path: ${file}\n    replica:\n      type: file\n      path: ${replica}\n`);
    const agent = await h.runAgent({ server: h.core.url, token: p.agentToken, databases: [], dir: h.dir.path, env: { BORELA_LITESTREAM_VERSION: "0.5" }, flags: { litestreamConfig: config } });
    await waitForStatus(h.core, p.id, "fresh", 30_000, (x) => (x.databases[0]?.replicas[0]?.position?.offset ?? 0) > 0);

    // The config the agent rendered carries the block, and Litestream 0.5.16 runs with it.
    const rendered = readdirSync(agent.agent.settings.stateDir).find((n) => n.endsWith(".yml"))!;
    expect(JSON.parse(readFileSync(path.join(agent.agent.settings.stateDir, rendered), "utf8").replace(/^#.*\n/, "")).snapshot).toEqual({ interval: "3600s", retention: "7200s" });
    expect(agent.agent.lastPayload()!.databases[0].snapshot).toEqual({ intervalSeconds: 3600, retentionSeconds: 7200 });
    const stored = (await h.core.api("GET", `/api/v1/projects/${p.id}/heartbeats`)).body as Array<{ payload: { databases: Array<{ snapshot?: unknown }> } }>;
    expect(stored[0].payload.databases[0].snapshot).toEqual({ intervalSeconds: 3600, retentionSeconds: 7200 });

    // The newest snapshot 5 h old (the file client reads a file's time as its creation).
    const level9 = path.join(replica, "ltx", "9");
    const snapshots = readdirSync(level9);
    expect(snapshots.length).toBeGreaterThan(0);
    const old = new Date(Date.now() - 5 * 3600_000);
    for (const name of snapshots) utimesSync(path.join(level9, name), old, old);
    // Writes after that snapshot: an idle database's old snapshot is its whole history and warns of nothing.
    const snapshotTxid = Math.max(...snapshots.map((n) => parseInt(n.split("-")[1], 16)));
    addRows(file, 3, 3);
    const past = () => readdirSync(path.join(replica, "ltx")).filter((l) => l !== "9").some((l) => readdirSync(path.join(replica, "ltx", l)).some((n) => parseInt(n.split("-")[1], 16) > snapshotTxid));
    await waitFor(() => past() || null, { timeoutMs: 30_000, what: "an LTX file past the snapshot" });

    const started = await h.core.api("POST", `/api/v1/projects/${p.id}/drills`, { body: {} });
    expect(started.status).toBe(202);
    const drill = await waitFor(
      async () => {
        const d = (await h.core.api("GET", `/api/v1/drills/${started.body.id}`)).body;
        return ["passed", "failed", "error"].includes(d.status) ? d : null;
      },
      { timeoutMs: 60_000, what: "the drill" },
    );
    const warnings: string[] = drill.report.warnings;
    expect(warnings.join("\n")).toMatch(/the newest snapshot \(level 9 [0-9a-f-]+\.ltx, .*\) is 5 h old, beyond the 2 h snapshot retention its agent reported/);
    expect(drill.status, JSON.stringify(drill.report)).toBe("passed");
    // The drill's counts against a plain `litestream restore` of the same replica.
    const out = path.join(h.dir.path, "plain.sqlite3");
    const plain = await run05(h.dir.path, { type: "file", path: replica }, ["restore", "-o", out]);
    expect(plain.code, plain.stderr).toBe(0);
    const db = new Database(out, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream%'").all() as Array<{ name: string }>;
    const counts = Object.fromEntries(tables.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
    db.close();
    expect(Object.keys(counts).length).toBeGreaterThan(0);
    expect(drill.report.tables).toEqual(counts);
    console.log(`[v5-snapshot-retention] drill ${drill.status}: ${warnings.find((w) => w.includes("snapshot"))}; counts ${JSON.stringify(counts)}`);
  }, 120_000);
});
