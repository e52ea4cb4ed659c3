// Pure decisions of the agent on Litestream 0.5.16 (a fresh tester's findings): errors that clear when the
// operation works again (0.5's own success lines, the replica's stored TXID advancing), a replica going back
// in TXID, Litestream's final-sync lines worded for the dashboard, 0.5 terms instead of 0.3's, the help text.
// Lines below are as litestream-0.5 (v0.5.16) printed them with a file replica under chattr +i.
// On the old code: only 0.3's success lines cleared an error (it stayed 7+ minutes), a rewind was a lag,
// the final-sync line was an error saying "press Ctrl+C", and the words were "WAL segment" and "index 0, offset 73".
import { describe, expect, it } from "vitest";
import { applyFinding, applyReplicaTxids, currentErrors, emptyBoard, replicaKey } from "../../src/agent/log-errors.ts";
import { classifyLogLine, shutdownFinding } from "../../src/agent/log-lines.ts";
import { foreignMessage, initialRewind, rewindMessage, stepRewind, type RewindObservation } from "../../src/agent/replica-rewind.ts";
import { initialStuck, stepStuck, stuckMessage } from "../../src/agent/stuck.ts";
import { COMMANDS, commandHelp } from "../../src/commands/table.ts";

const DB = "/data/app.db";
const MONITOR =
  'time=2026-11-29T13:49:22.213Z level=ERROR msg="monitor error" system=store db=/data/app.db replica=file error="write ltx file: open /r/ltx/0/0000000000000003-0000000000000003.ltx.tmp: operation not permitted" consecutive_errors=1 backoff=1s';
const UPLOADED = 'time=2026-11-29T13:50:25.229Z level=INFO msg="ltx file uploaded" system=store db=/data/app.db replica=file level=0 minTXID=0000000000000003 maxTXID=0000000000000003 size=201';
const RECOVERED = 'time=2026-11-29T13:50:25.238Z level=INFO msg="replica sync recovered" system=store db=/data/app.db replica=file previous_errors=6';
const SNAPSHOT = 'time=2026-11-29T13:49:17.234Z level=INFO msg="snapshot complete" system=store db=/data/app.db txid=0000000000000001 size=567';
const SHUTDOWN =
  'time=2026-11-29T13:52:00.000Z level=WARN msg="shutdown sync failed, retrying (press Ctrl+C again to skip)" db=/data/app.db attempts=1 error="write ltx file: open /r/ltx/0/x.ltx.tmp: operation not permitted" elapsed=1s remaining=29s';
const t0 = new Date("2026-11-29T13:49:22Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const key = replicaKey(DB, "file");

describe("0.5 errors clear when the operation works again", () => {
  it("words an LTX write failure as an LTX file upload, permission denied", () => {
    const f = classifyLogLine(MONITOR, "0.5");
    expect(f).toMatchObject({ kind: "error", op: "upload", category: "permission", replica: "file" });
    expect(f?.kind === "error" && f.message).toBe(
      "LTX file upload failed: permission denied (write ltx file: open /r/ltx/0/0000000000000003-0000000000000003.ltx.tmp: operation not permitted)",
    );
    expect(classifyLogLine(MONITOR, "0.3")).toMatchObject({ message: expect.stringMatching(/^WAL segment upload failed/) });
  });

  it.each([["ltx file uploaded", UPLOADED], ["replica sync recovered", RECOVERED]])("%s clears the upload error", (_name, line) => {
    let board = applyFinding(emptyBoard(), classifyLogLine(MONITOR, "0.5")!, at(0));
    expect(currentErrors(board, at(420_000), 60_000).replicas.get(key)).toMatch(/^LTX file upload failed/);
    board = applyFinding(board, classifyLogLine(line, "0.5")!, at(63_000));
    expect(currentErrors(board, at(63_000), 60_000).replicas.size).toBe(0);
  });

  it("0.5's snapshot line (no replica named) clears a snapshot error of the database's replica", () => {
    let board = applyFinding(emptyBoard(), { kind: "error", db: DB, replica: "file", op: "snapshot", category: "other", message: "snapshot failed: x" }, at(0));
    board = applyFinding(board, classifyLogLine(SNAPSHOT, "0.5")!, at(1000));
    expect(currentErrors(board, at(1000), 60_000).replicas.size).toBe(0);
  });

  it("the replica's stored TXID advancing past its value at the first read after the failure clears it", () => {
    let board = applyFinding(emptyBoard(), classifyLogLine(MONITOR, "0.5")!, at(0));
    board = applyReplicaTxids(board, new Map([[key, 211]])); // the baseline: where the replica stood
    board = applyReplicaTxids(board, new Map([[key, 211]]));
    expect(currentErrors(board, at(60_000), 60_000).replicas.get(key)).toMatch(/^LTX file upload failed/);
    board = applyReplicaTxids(board, new Map([[replicaKey(DB, "s3"), 300]])); // another replica moving proves nothing
    expect(currentErrors(board, at(60_000), 60_000).replicas.size).toBe(1);
    board = applyReplicaTxids(board, new Map([[key, 212]]));
    expect(currentErrors(board, at(61_000), 60_000).replicas.size).toBe(0);
  });

  it("a retention error is not cleared by the TXID advancing (uploads working says nothing about deletes)", () => {
    let board = applyFinding(emptyBoard(), { kind: "error", db: DB, replica: "file", op: "retention", category: "denied", message: "deletes denied" }, at(0));
    board = applyReplicaTxids(applyReplicaTxids(board, new Map([[key, 1]])), new Map([[key, 5]]));
    expect(currentErrors(board, at(1000), 60_000).replicas.get(key)).toBe("deletes denied");
  });
});

describe("0.5's other error lines", () => {
  it("words compaction and retention failures in 0.5's terms", () => {
    const compaction = classifyLogLine(
      'time=2026-11-29T14:10:30.000Z level=ERROR msg="compaction failed" system=store db=/data/app.db level=1 error="write ltx file: extract timestamp from LTX header: non-contiguous transaction ids in input files: (0000000000000008,0000000000000008) -> (000000000000000b,000000000000000b)"',
      "0.5",
    );
    expect(compaction).toMatchObject({ kind: "error", op: "other" });
    expect(compaction?.kind === "error" && compaction.message).toBe(
      "LTX compaction into level 1 failed: old LTX files are not merged into higher levels (write ltx file: extract timestamp from LTX header: non-contiguous transaction ids in input files: (0000000000000008,0000000000000008) -> (000000000000000b,000000000000000b))",
    );
    const retention = classifyLogLine('time=x level=ERROR msg="retention enforcement failed" system=store db=/data/app.db replica=file error="remove x: weird"', "0.5");
    expect(retention).toMatchObject({ kind: "error", op: "retention", message: "retention failed: old LTX files are not deleted; storage grows (remove x: weird)" });
  });
});

describe("Litestream's final-sync lines", () => {
  it("are a note during the agent's restart of Litestream, worded without Ctrl+C", () => {
    const f = classifyLogLine(SHUTDOWN, "0.5")!;
    expect(f.kind).toBe("shutdown");
    expect(shutdownFinding(f, true)).toEqual({
      kind: "note",
      db: DB,
      message: "Litestream's final sync before its restart failed, retrying: write ltx file: open /r/ltx/0/x.ltx.tmp: operation not permitted",
    });
  });

  it("are an error when nobody asked Litestream to stop, still without Ctrl+C", () => {
    const f = shutdownFinding(classifyLogLine(SHUTDOWN, "0.5")!, false);
    expect(f).toMatchObject({ kind: "error", op: "other", category: "permission" });
    expect(f.kind === "error" && f.message).toMatch(/^Litestream's final sync before it stopped failed, retrying: write ltx file/);
    const timeout = shutdownFinding(classifyLogLine('time=x level=ERROR msg="shutdown sync failed after timeout" db=/data/app.db attempts=30 error="write ltx file: x"', "0.5")!, false);
    expect(timeout.kind === "error" && timeout.message).toBe(
      "Litestream's final sync before it stopped gave up: write ltx file: x; changes since its last sync reach the replica only when Litestream runs again",
    );
    for (const finding of [f, timeout]) expect(JSON.stringify(finding)).not.toMatch(/Ctrl\+C/);
  });
});

describe("a replica going back in TXID (0.5)", () => {
  const obs = (replicaTxid: number | undefined, databaseTxid: number | null, chainTxid: number | null = null): RewindObservation => ({ replicaTxid, databaseTxid, chainTxid });

  it("is an error at once when the database did not go back, and stays while Litestream writes past the hole", () => {
    let s = stepRewind(initialRewind, obs(12, 12));
    expect(rewindMessage(s)).toBeNull();
    s = stepRewind(s, obs(10, 12));
    expect(rewindMessage(s)).toMatch(/^the replica went back from TXID 0x0c to 0x0a: LTX files were removed from storage; put the files back, or start the replica over: stop the agent, empty the replica/);
    s = stepRewind(s, obs(undefined, 13)); // no storage read: nothing new
    s = stepRewind(s, obs(14, 14)); // Litestream writes on after its own position: the hole stays
    expect(rewindMessage(s)).toMatch(/from TXID 0x0c to 0x0a/);
    s = stepRewind(s, obs(15, 15, 15)); // a snapshot past the hole: a restore starts there
    expect(rewindMessage(s)).toBeNull();
  });

  it("is no error when the database went back too (a restore, a new database)", () => {
    let s = stepRewind(initialRewind, obs(12, 12));
    s = stepRewind(s, obs(3, 3));
    expect(rewindMessage(s)).toBeNull();
    s = stepRewind(s, obs(2, 4)); // and the new history's own rewind is seen
    expect(rewindMessage(s)).toMatch(/^the replica went back from TXID 0x03 to 0x02: LTX files were removed from storage; put the files back, or start the replica over: stop the agent, empty the replica/);
  });

  it("never calls a replica that moves forward, or the first read, a rewind", () => {
    let s = stepRewind(initialRewind, obs(0, 5));
    for (const txid of [1, 2, 2, 7]) s = stepRewind(s, obs(txid, 7));
    expect(rewindMessage(s)).toBeNull();
  });
});

describe("a replica holding another history (0.5): its latest restore past the database's TXID", () => {
  // A new-user tester's finding: litestream reset over a replica that held a snapshot up to 0x61; Litestream
  // counted again from 0x01 and Borela said "replicas caught up" while a restore gave the old snapshot's rows.
  const OLD = "9/0000000000000001-0000000000000061.ltx@2026-11-30T18:00:00.000Z";
  const obs = (databaseTxid: number | null, chainTxid: number | null, chainStart: string | null = OLD, replicaTxid: number | undefined = chainTxid ?? 0): RewindObservation => ({ replicaTxid, databaseTxid, chainTxid, chainStart });

  it("is an error once two reads see the database below what the first found stored, and stays as the new TXIDs pass the old ones", () => {
    let s = stepRewind(initialRewind, obs(0x61, 0x61));
    s = stepRewind(s, obs(0x01, 0x61)); // the reset: the database counts from 1 again
    expect(foreignMessage(s)).toBeNull();
    s = stepRewind(s, obs(0x0d, 0x61));
    expect(foreignMessage(s)).toMatch(/^the replica holds another history: a latest restore reached TXID 0x61 while the database was at 0x0d \(Litestream's state was reset/);
    s = stepRewind(s, obs(null, null, null, undefined)); // no storage read: kept
    expect(foreignMessage(s)).not.toBeNull();
    s = stepRewind(s, obs(0x70, 0x70)); // new TXIDs past the old ones: a restore still starts from the old snapshot
    expect(foreignMessage(s)).toMatch(/reached TXID 0x61 while the database was at 0x0d/); // as first seen: no "0x61 but at 0x70"
  });

  it("ends when a latest restore starts from another file: a new snapshot past the old history, or the replica emptied", () => {
    const flagged = () => stepRewind(stepRewind(stepRewind(initialRewind, obs(0x61, 0x61)), obs(0x01, 0x61)), obs(0x0d, 0x61));
    expect(foreignMessage(flagged())).not.toBeNull();
    expect(foreignMessage(stepRewind(flagged(), obs(0x80, 0x80, "9/0000000000000001-0000000000000080.ltx@2026-11-30T19:00:00.000Z")))).toBeNull();
    expect(foreignMessage(stepRewind(flagged(), obs(0x0e, 0x0e, "0/0000000000000001-0000000000000001.ltx@2026-11-30T19:00:00.000Z")))).toBeNull();
  });

  it("is no error for a replica read briefly ahead of its database (a sync between the two reads), an unknown TXID, or 0", () => {
    let s = initialRewind;
    for (let db = 10; db < 60; db += 5) s = stepRewind(s, obs(db, db + 3)); // a steady writer: ahead at every read, caught up by the next
    expect(foreignMessage(s)).toBeNull();
    s = stepRewind(stepRewind(initialRewind, obs(0, 0xc8)), obs(0, 0xc8)); // right after an agent restart
    expect(foreignMessage(s)).toBeNull();
    s = stepRewind(stepRewind(initialRewind, obs(null, 0xc8)), obs(null, 0xc8));
    expect(foreignMessage(s)).toBeNull();
  });
});

describe("0.5 terms in the stuck reason", () => {
  it("says TXID, not index and offset", () => {
    const base = { stuckAfterMs: 10_000, maxBackoffMs: 60_000 };
    let s = stepStuck(initialStuck, { ...base, now: at(0), replica: { index: 0, offset: 73 }, pendingSince: at(0) });
    s = stepStuck(s, { ...base, now: at(11_000), replica: { index: 0, offset: 73 }, pendingSince: at(0) });
    const message = stuckMessage(s, { now: at(11_000), url: "file:///r", database: { index: 0, offset: 80 }, version: "0.5" });
    expect(message).toMatch(/\(database at TXID 80, replica stopped at TXID 73\)/);
    expect(message).not.toMatch(/index|offset|WAL/);
    expect(stuckMessage(s, { now: at(11_000), url: "file:///r", database: null })).toMatch(/replica stopped at index 0, offset 73/);
  });
});

describe("borela agent --help", () => {
  it("says 0.5 is the default, with no promise of a later change", () => {
    const help = commandHelp(COMMANDS.agent);
    expect(help).toMatch(/--litestream-version 0\.3\|0\.5 .*default 0\.5/);
    expect(help).not.toMatch(/becomes the default later|for now/);
  });
});
