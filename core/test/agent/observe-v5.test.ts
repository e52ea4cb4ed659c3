// Observe mode adopts an existing Litestream 0.5 litestream.yml (issue 16, item 3): one `replica:` per
// database, as 0.5 documents it. Unit: the 0.5 syntax parses (url: or type:/path:), names the line 0.5,
// both keys on one database are refused naming it, and an agent given no version follows the file's
// syntax (0.5's replica:, 0.3's replicas:). Real run: a `litestream-0.5 replicate` started by the test
// from a hand-written 0.5 file; the agent, told nothing about the version, reads its metrics
// (litestream_txid) and the replica's LTX files, reports the replica caught up, then catches it stopping.
// The old parser refused the file: "database … has no replicas".
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentSettings } from "../../src/agent/settings.ts";
import { parseLitestreamConfig } from "../../src/litestream/config-file.ts";
import { freePort } from "../support/ports.ts";
import { startSqliteWriter } from "../support/sqlite-writer.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { useObservedLitestream05 } from "../support/observed-litestream05.ts";

const V5 = `
addr: 127.0.0.1:9091
dbs:
  - path: /data/app.sqlite3
    replica:
      url: s3://backups/app
  - path: /data/queue.sqlite3
    replica:
      type: file
      path: /backups/queue
`;

describe("a Litestream 0.5 litestream.yml", () => {
  it("parses one replica: per database (url: or type:/path:) and names the line 0.5", () => {
    const c = parseLitestreamConfig(V5, {}, { source: "litestream.yml" });
    expect(c.line).toBe("0.5");
    expect(c.addr).toBe("127.0.0.1:9091");
    expect(c.databases.map((d) => [d.path, d.replicas.map((r) => (r.type === "s3" ? `s3:${r.bucket}/${r.path}` : `file:${r.path}`))])).toEqual([
      ["/data/app.sqlite3", ["s3:backups/app"]],
      ["/data/queue.sqlite3", ["file:/backups/queue"]],
    ]);
    expect(parseLitestreamConfig("dbs:\n  - path: /a.db\n    replicas:\n      - url: file:///r\n", {}).line).toBe("0.3");
  });

  it("refuses replica: beside replicas:, and a replica: that is not a mapping, naming the database", () => {
    expect(() => parseLitestreamConfig("dbs:\n  - path: /a.db\n    replica: {url: file:///r}\n    replicas: [{url: file:///s}]\n", {}, { source: "ls.yml" })).toThrow(
      "ls.yml: database /a.db has both replica: and replicas: (Litestream 0.5 takes one replica:, 0.3 a replicas: list)",
    );
    expect(() => parseLitestreamConfig("dbs:\n  - path: /a.db\n    replica: file:///r\n", {}, { source: "ls.yml" })).toThrow(/ls\.yml: dbs\[0\]\.replica of \/a\.db must be a mapping/);
  });
});

describe("the agent's line with --litestream-config", () => {
  let dir: TmpDir;
  beforeAll(async () => {
    dir = await tmpDir();
  });
  afterAll(async () => {
    await dir?.remove();
  });
  const base = { BORELA_SERVER: "http://127.0.0.1:1", BORELA_AGENT_TOKEN: "brag_x" };

  it("unset: the file's syntax (replica: → 0.5, replicas: → 0.3); set: the variable or flag wins", async () => {
    const v5 = path.join(dir.path, "v5.yml");
    const v3 = path.join(dir.path, "v3.yml");
    writeFileSync(v5, "dbs:\n  - path: /d/a.db\n    replica:\n      path: /r/a\n");
    writeFileSync(v3, "dbs:\n  - path: /d/a.db\n    replicas:\n      - path: /r/a\n");
    const line = async (file: string, env: Record<string, string> = {}, flag?: string) =>
      (await loadAgentSettings({ litestreamConfig: file, observe: true, litestreamVersion: flag }, { ...base, ...env })).litestreamVersion;
    expect(await line(v5)).toBe("0.5");
    expect(await line(v3)).toBe("0.3");
    expect(await line(v3, { BORELA_LITESTREAM_VERSION: "0.5" })).toBe("0.5");
    expect(await line(v5, { BORELA_LITESTREAM_VERSION: "0.5" }, "0.3")).toBe("0.3");
  });
});

describe("agent --observe on a running Litestream 0.5 (real binary)", () => {
  const start = useObservedLitestream05();

  it("reads litestream_txid and the replica's LTX files: caught up, then Litestream stopped with writes pending", async () => {
    const { dbPath, replica, child, exited, lines, agent, payloads } = await start("brag_observe5", await freePort());
    expect(agent.agent.settings.litestreamVersion).toBe("0.5");
    expect(agent.agent.supervisor).toBeNull();

    const writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 1500 });
    await writer.exited;
    const caughtUp = await waitFor(
      () => {
        const p = payloads.at(-1);
        const db = p?.databases[0];
        const r = db?.replicas[0]?.position;
        return db?.position && r && db.position.offset > 0 && r.offset === db.position.offset && db.litestreamRunning ? p : null;
      },
      { timeoutMs: 20_000, what: `a heartbeat with the replica's TXID equal to the database's (litestream: ${lines.join("").slice(-500)})` },
    );
    expect(caughtUp.mode).toBe("observe");
    expect(caughtUp.litestreamVersion).toBe("v0.5.16");
    expect(caughtUp.databases[0]).toMatchObject({ path: dbPath, errors: [] });
    expect(caughtUp.databases[0].replicas[0]).toMatchObject({ type: "file", url: `file://${replica}`, lastError: null });

    child.kill("SIGKILL");
    await exited;
    const more = await startSqliteWriter({ path: dbPath, ratePerSecond: 20, durationMs: 2000 });
    const stopped = await waitFor(
      () => {
        const db = payloads.at(-1)?.databases[0];
        return db && db.litestreamRunning === false && db.replicas[0].pendingSince ? db : null;
      },
      { timeoutMs: 15_000, what: "a heartbeat showing Litestream gone and changes pending" },
    );
    await more.stop();
    expect(stopped.errors.join(" ")).toMatch(/Litestream is not running: Litestream metrics at http:\/\/127\.0\.0\.1:\d+\/metrics unreachable/);
  }, 60_000);
});
