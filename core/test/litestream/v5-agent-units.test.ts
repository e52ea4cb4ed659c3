// Pure pieces of the agent on Litestream 0.5: its config (one `replica:` per
// database), its metrics (litestream_txid), its environment (no AWS_CA_BUNDLE),
// a replica's state from its LTX listing, and BORELA_LITESTREAM_VERSION.
import { describe, expect, it } from "vitest";
import { withDatabasePath } from "../../src/agent/log-db.ts";
import { classifyLogLine } from "../../src/agent/log-lines.ts";
import { loadAgentSettings } from "../../src/agent/settings.ts";
import { renderLitestreamConfig } from "../../src/litestream/config.ts";
import { litestream05Env } from "../../src/litestream/env05.ts";
import { summarizeLtx } from "../../src/litestream/ltx-state.ts";
import { litestreamMetrics, parsePrometheusText } from "../../src/litestream/metrics.ts";

const body = (yaml: string) => JSON.parse(yaml.replace(/^#.*\n/, ""));

describe("Litestream 0.5 config", () => {
  it("one replica: map per database, no replicas: list, no validation-interval", () => {
    const { yaml } = renderLitestreamConfig({
      line: "0.5",
      addr: "127.0.0.1:9",
      databases: [{ path: "/d/app.db", replicas: [{ type: "file", path: "/r", url: null, syncInterval: "1s", validationInterval: "1h" } as never] }],
    });
    const doc = body(yaml);
    expect(doc.dbs[0].replicas).toBeUndefined();
    expect(doc.dbs[0].replica).toEqual({ type: "file", path: "/r", "sync-interval": "1s" });
  });
  it("refuses two replicas for one database, naming it", () => {
    const r = { type: "file", path: "/r", url: null } as never;
    expect(() => renderLitestreamConfig({ line: "0.5", addr: null, databases: [{ path: "/d/app.db", replicas: [r, r] }] })).toThrow(/\/d\/app\.db has 2 replicas: Litestream 0\.5 takes one/);
  });
  it("0.3 stays a replicas: list", () => {
    expect(body(renderLitestreamConfig({ addr: null, databases: [{ path: "/d/a.db", replicas: [{ type: "file", path: "/r", url: null } as never] }] }).yaml).dbs[0].replicas).toHaveLength(1);
  });
});

describe("Litestream 0.5 pieces", () => {
  it("litestream_txid is the database's TXID", () => {
    const m = litestreamMetrics(parsePrometheusText('litestream_txid{db="/d/a.db"} 42\nlitestream_db_size{db="/d/a.db"} 8192\n'));
    expect(m.databases.get("/d/a.db")!.txid).toBe(42);
  });
  it("AWS_CA_BUNDLE is removed from 0.5's environment, the rest kept", () => {
    const { env, dropped } = litestream05Env({ AWS_ACCESS_KEY_ID: "k" }, { AWS_CA_BUNDLE: "/etc/ssl/certs/ca-certificates.crt" });
    expect(dropped).toEqual(["AWS_CA_BUNDLE"]);
    expect("AWS_CA_BUNDLE" in env && env.AWS_CA_BUNDLE === undefined).toBe(true);
    expect(env.AWS_ACCESS_KEY_ID).toBe("k");
    expect(litestream05Env({}, {}).dropped).toEqual([]);
  });
  it("a replica's position is its newest LTX max TXID over every level", () => {
    const f = (level: number, min: number, max: number, t: number) => ({ level, minTXID: min, maxTXID: max, size: 10, createdAt: new Date(t), name: "", key: "" });
    const s = summarizeLtx([f(9, 1, 5, 1000), f(0, 6, 6, 2000), f(1, 1, 7, 3000), f(0, 7, 7, 2500)]);
    expect(s.position).toEqual({ generation: null, index: 0, offset: 7, txid: 7 });
    expect(s.lastSnapshotAt).toEqual(new Date(1000));
    expect(s.lastWalAt).toEqual(new Date(3000));
    expect(s.storageBytes).toBe(40);
    expect(summarizeLtx([]).position).toBeNull();
  });
});

describe("BORELA_LITESTREAM_VERSION", () => {
  const base = { BORELA_SERVER: "http://127.0.0.1:1", BORELA_AGENT_TOKEN: "brag_x", BORELA_DATABASES: "/d/a.db", BORELA_REPLICA_URL: "file:///r" };
  it("0.5 by default (an empty variable too); 0.3 by variable or flag, the flag first; anything else names the source", async () => {
    expect((await loadAgentSettings({}, base)).litestreamVersion).toBe("0.5");
    expect((await loadAgentSettings({}, { ...base, BORELA_LITESTREAM_VERSION: "" })).litestreamVersion).toBe("0.5");
    expect((await loadAgentSettings({}, { ...base, BORELA_LITESTREAM_VERSION: "0.3" })).litestreamVersion).toBe("0.3");
    expect((await loadAgentSettings({ litestreamVersion: "0.3" }, base)).litestreamVersion).toBe("0.3");
    expect((await loadAgentSettings({ litestreamVersion: "0.5" }, { ...base, BORELA_LITESTREAM_VERSION: "0.3" })).litestreamVersion).toBe("0.5");
    await expect(loadAgentSettings({}, { ...base, BORELA_LITESTREAM_VERSION: "0.4" })).rejects.toThrow(/BORELA_LITESTREAM_VERSION="0.4" is not 0.3 or 0.5/);
    await expect(loadAgentSettings({ litestreamVersion: "5" }, base)).rejects.toThrow(/--litestream-version="5"/);
  });
});

describe("0.5 log lines name the database by file name", () => {
  // As litestream-0.5 replicate printed it with its file replica under a regular file.
  const line = 'time=2026-11-29T12:01:07.316Z level=ERROR msg="sync error" system=store db=db.sqlite error="check database behind replica: get replica position: open /r/ltx/0: not a directory" consecutive_errors=1 backoff=1s';
  it("gets the one watched path with that name", () => {
    expect(withDatabasePath(classifyLogLine(line), ["/a/db.sqlite", "/b/other.sqlite"])!.db).toBe("/a/db.sqlite");
    expect(withDatabasePath(classifyLogLine(line), ["/a/db.sqlite", "/b/db.sqlite"])!.db).toBe("db.sqlite");
    expect(withDatabasePath(null, ["/a/db.sqlite"])).toBeNull();
  });
});
