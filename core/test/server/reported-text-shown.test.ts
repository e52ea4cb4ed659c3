// What an agent reports is data (DESIGN.md "The trust boundary"), through a real core on loopback:
// - a table name holding a terminal escape is refused at ingest, 400 naming body/databases/0/tableCounts;
// - positions past what Litestream writes (txid 1e300, a WAL index over 32 bits) are refused naming the field;
// - bidi overrides and controls in an agent's error text reach incident reasons and statusReasons marked "�",
//   and a drill row stored raw (before any check) is served with its warnings, error and table names marked;
//   the project view marks a database's errors, notes, table names and last drill the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyReport } from "../../src/drills/report.ts";
import { heartbeat, startTestCore, type TestCore } from "../support/core-server.ts";

const TITLE_AND_CLEAR = "\u001b]0;PWNED\u0007\u001b[2J\u001b[31mFAKE: drill passed";
const RLO = "\u202e";

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_LISTING_INTERVAL_SECONDS: "3600", BORELA_LOG_LEVEL: "warn" });
});
afterAll(async () => {
  await core?.close();
});

function send(token: string, body: unknown) {
  return core.api<{ message: string }>("POST", "/api/v1/heartbeats", { token, body });
}

describe("ingest", () => {
  it("refuses a table name with a control character, naming the field, and echoes no raw escape", async () => {
    const p = await core.createProject("table-escape");
    const hb = heartbeat() as any;
    hb.databases[0].tableCounts = { users: 3, [TITLE_AND_CLEAR]: 1 };
    const res = await send(p.agentToken, hb);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^body\/databases\/0\/tableCounts holds a table name with a control character/);
    expect(res.body.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    for (const c of ["\u0085", "\u009b", "\u007f", "\n"]) {
      hb.databases[0].tableCounts = { [`t${c}x`]: 1 };
      expect((await send(p.agentToken, hb)).status, JSON.stringify(c)).toBe(400);
    }
    hb.databases[0].tableCounts = { users: 3, "odd name ünïcode": 1 };
    expect((await send(p.agentToken, hb)).status).toBe(201);
  });

  it("refuses positions Litestream cannot write: txid 1e300, above MAX_SAFE_INTEGER, a WAL index over 32 bits", async () => {
    const p = await core.createProject("position-bounds");
    const cases: [(hb: any) => void, string][] = [
      [(hb) => (hb.databases[0].replicas[0].position = { generation: null, index: 0, offset: 1, txid: 1e300 }), "body/databases/0/replicas/0/position/txid"],
      [(hb) => (hb.databases[0].position = { generation: null, index: 0, offset: 1e300 }), "body/databases/0/position/offset"],
      [(hb) => (hb.databases[0].position = { generation: null, index: 0, offset: 1, txid: Number.MAX_SAFE_INTEGER + 2 }), "body/databases/0/position/txid"],
      [(hb) => (hb.databases[0].replicas[0].position = { generation: "abc123", index: 2 ** 32, offset: 0 }), "body/databases/0/replicas/0/position/index"],
      [(hb) => (hb.databases[0].tableCounts = { users: 1e300 }), "body/databases/0/tableCounts"],
      // Heartbeat.sequence is an Int: 2^31 was a 500 on PostgreSQL (found by the HA e2e test).
      [(hb) => (hb.sequence = 2 ** 31), "body/sequence"],
    ];
    for (const [mutate, field] of cases) {
      const hb = heartbeat() as any;
      mutate(hb);
      const res = await send(p.agentToken, hb);
      expect(res.status, field).toBe(400);
      expect(res.body.message, field).toContain(field);
    }
    const ok = heartbeat() as any;
    ok.databases[0].replicas[0].position = { generation: null, index: 0, offset: Number.MAX_SAFE_INTEGER, txid: Number.MAX_SAFE_INTEGER };
    ok.databases[0].position = { generation: "abc123", index: 0xffff_ffff, offset: 0 };
    ok.sequence = 2 ** 31 - 1;
    expect((await send(p.agentToken, ok)).status).toBe(201);
  });
});

describe("shown marked", () => {
  it("an agent's error with a bidi override and an escape reaches statusReasons and the incident reason marked", async () => {
    const p = await core.createProject("bidi-reasons");
    const error = `disk full ${RLO}txt.exe\u001b[2J`;
    expect((await send(p.agentToken, heartbeat({ errors: [error] }))).status).toBe(201);
    let reasons: string[] = [];
    let incidents: { reason: string }[] = [];
    for (let i = 0; i < 100; i++) {
      const detail = await core.api("GET", `/api/v1/projects/${p.id}`);
      reasons = [...detail.body.statusReasons, ...detail.body.databases.flatMap((d: { statusReasons: string[] }) => d.statusReasons)];
      incidents = (await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body;
      if (reasons.some((r) => r.includes("disk full")) && incidents.some((x) => x.reason.includes("disk full"))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const shown = [...reasons.filter((r) => r.includes("disk full")), ...incidents.map((x) => x.reason).filter((r) => r.includes("disk full"))];
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const r of shown) {
      expect(r).toContain("disk full \ufffdtxt.exe\ufffd[2J");
      expect(r).not.toMatch(/[\u001b\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it("the project view marks a database's errors, notes, table names, replica error and last drill's error", async () => {
    const p = await core.createProject("bidi-project-view");
    const hb = heartbeat({ errors: [`e${RLO}1`], lastError: `denied${RLO}` }) as any;
    hb.databases[0].notes = [`n${RLO}`];
    hb.databases[0].tableCounts = { [`users${RLO}`]: 2 };
    expect((await send(p.agentToken, hb)).status).toBe(201);
    const databaseId = (await core.api("GET", `/api/v1/projects/${p.id}`)).body.databases[0].id;
    const report = { ...emptyReport("app", null, null), error: `restore failed ${RLO}\u001b[2J`, failures: [`f${RLO}`], integrity: `bad${RLO}` };
    const at = new Date();
    await core.store.drill.create({ data: { id: "drill-raw-2", projectId: p.id, databaseId, databaseName: "app", status: "failed", startedAt: at, finishedAt: at, report: JSON.stringify(report) } });
    const db = (await core.api("GET", `/api/v1/projects/${p.id}`)).body.databases[0];
    expect(db.errors).toEqual(["e\ufffd1"]);
    expect(db.notes).toEqual(["n\ufffd"]);
    expect(Object.keys(db.tableCounts)).toEqual(["users\ufffd"]);
    expect(db.replicas[0].lastError).toBe("denied\ufffd");
    expect(db.lastDrill).toMatchObject({ error: "restore failed \ufffd\ufffd[2J", failures: ["f\ufffd"], integrity: "bad\ufffd" });
  });

  it("a drill row stored raw is served with its warnings, error, progress and table names marked", async () => {
    const p = await core.createProject("raw-drill");
    const report = {
      ...emptyReport("app", null, null),
      tables: { [TITLE_AND_CLEAR]: 1, users: 2 },
      warnings: [`table ${TITLE_AND_CLEAR} has 1 rows in the backup but 2 in the live database`, `${RLO}gnp.exe`],
      error: `restore failed: ${RLO}x\u009b31m`,
    };
    const id = "drill-raw-1";
    await core.store.drill.create({
      data: { id, projectId: p.id, databaseName: "app", status: "failed", progress: JSON.stringify([{ step: "restore", message: `read ${TITLE_AND_CLEAR}`, at: new Date().toISOString() }]), report: JSON.stringify(report) },
    });
    const res = await core.api("GET", `/api/v1/drills/${id}`);
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/\\u001b|\\u0007|[\u009b\u202e]/);
    expect(res.body.report.warnings[1]).toBe("\ufffdgnp.exe");
    expect(res.body.report.error).toBe("restore failed: \ufffdx\ufffd31m");
    expect(Object.keys(res.body.report.tables)).toContain("\ufffd]0;PWNED\ufffd\ufffd[2J\ufffd[31mFAKE: drill passed");
    expect(res.body.progress[0].message).toContain("\ufffd[2J");
    const list = await core.api("GET", `/api/v1/projects/${p.id}/drills`);
    expect(JSON.stringify(list.body)).not.toMatch(/\\u001b|[\u009b\u202e]/);
  });
});
