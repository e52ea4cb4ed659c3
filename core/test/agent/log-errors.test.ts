import { describe, expect, it } from "vitest";
import { applyFinding, applyMetrics, currentErrors, emptyBoard, replicaKey, restartBoard } from "../../src/agent/log-errors.ts";
import { classifyLogLine } from "../../src/agent/log-lines.ts";
import { redactSecrets } from "../../src/agent/redact.ts";

// Lines as Litestream 0.3.13 prints them (captured against fauxqs).
const AUTH = 'time=2026-11-25T03:35:50.021Z level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\\n\\tstatus code: 403, request id: A1AEA84AEA684C8E, host id: fauxqs"';
const BUCKET = 'time=2026-11-25T03:35:50.045Z level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="NoSuchBucket: The specified bucket does not exist: missing\\n\\tstatus code: 404, request id: D1F8, host id: fauxqs"';
const WRITTEN = 'time=2026-11-25T03:35:50.068Z level=INFO msg="wal segment written" db=/data/app.db replica=s3 position=cca1078349c7ea34/00000000:0 elapsed=3.5ms sz=16512';

// Lines Litestream 0.3.13 printed against fauxqs with a hook that answers DeleteObjects as S3 does
// under a deny policy, and with the database file moved away (see the file's header for the rest).
const RETENTION = 'time=2026-11-29T10:15:46.628Z level=ERROR msg="retainer error" db=/data/app.db replica=s3 error="delete snapshots before index: delete snapshot ec27aba717b9a570/00000000: deleting object x/generations/ec27aba717b9a570/snapshots/00000000.snapshot.lz4: AccessDenied - Access Denied"';
const RETENTION_AUTH_05 =
  'time=x level=ERROR msg="retention enforcement failed" db=/data/app.db replica=s3 error="close l1 iterator: operation error S3: ListObjectsV2, https response error StatusCode: 403, RequestID: 18ED136BF8074081, HostID: dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8, api error SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided."';
const SYNC_MISSING = 'time=2026-11-29T10:15:56.616Z level=ERROR msg="sync error" db=/data/app.db error="cannot verify wal state: stat /data/app.db: no such file or directory"';
const SNAPSHOT_WRITTEN = 'time=2026-11-29T10:15:47.629Z level=INFO msg="snapshot written" db=/data/app.db replica=s3 position=ec27aba717b9a570/00000003:4152 elapsed=8.8ms sz=919';
const SNAPSHOT_DELETED = 'time=2026-11-29T10:16:01.631Z level=INFO msg="snapshot deleted" db=/data/app.db replica=s3 generation=ec27aba717b9a570 index=6';
const WAL_DELETED = 'time=2026-11-29T10:16:01.645Z level=INFO msg="wal segmented deleted before" db=/data/app.db replica=s3 generation=ec27aba717b9a570 index=6 n=14';
const CLEARING = 'time=2026-11-29T10:13:15.817Z level=WARN msg="init: cannot determine last wal position, clearing generation" db=/data/app.db error="primary wal header: EOF"';

describe("classifyLogLine", () => {
  it.each([
    [AUTH, "auth", "auth", /^storage rejected the credentials \(InvalidAccessKeyId: The AWS Access Key Id/],
    [BUCKET, "upload", "bucket", /^WAL segment upload failed: the bucket does not exist \(NoSuchBucket/],
    ['time=x level=ERROR msg="sync error" db=/data/app.db error="write /data/.app.db-litestream/x: no space left on device"', "sync", "disk-full", /^sync failed: disk full/],
    ['time=x level=ERROR msg="checkpoint error" db=/data/app.db error="database is locked"', "other", "locked", /^database is locked/],
    ['time=x level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="AccessDenied: Access Denied"', "upload", "denied", /^WAL segment upload failed: storage denied access \(AccessDenied/],
    ['time=x level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="SignatureDoesNotMatch: x"', "auth", "auth", /SignatureDoesNotMatch/],
    ['time=x level=ERROR msg="init" db=/data/app.db error="mkdir /data/.app.db-litestream: permission denied"', "other", "permission", /^permission denied/],
    ['time=x level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="RequestError: send request failed\\ncaused by: dial tcp 127.0.0.1:9: connect: connection refused"', "upload", "network", /^WAL segment upload failed: storage unreachable/],
    ['time=x level=ERROR msg="snapshotter error" db=/data/app.db replica=s3 error="snapshot: x: connection refused"', "snapshot", "network", /^snapshot failed: storage unreachable/],
    [RETENTION, "retention", "denied", /^deletes denied: retention is not running; storage grows \(delete snapshots before index: .*AccessDenied/],
    ['time=x level=ERROR msg="retainer error" db=/data/app.db replica=s3 error="delete generation: 2 errors occurred deleting objects, x/generations/70fc/snapshots/00000000.snapshot.lz4: AccessDenied - (Access Denied (and 1 others)"', "retention", "denied", /^deletes denied: retention is not running; storage grows \(delete generation: 2 errors/],
    // Litestream 0.5 (aws-sdk-go-v2) with refused keys: every write is refused too, so nothing grows; its request ids change each time.
    [RETENTION_AUTH_05, "retention", "auth", /^retention failed: storage rejected the credentials \(close l1 iterator: operation error S3: ListObjectsV2, https response error StatusCode: 403, api error SignatureDoesNotMatch/],
    [SYNC_MISSING, "sync", "missing", /^sync failed: the database file is missing \(cannot verify wal state: stat \/data\/app.db: no such file/],
    ['2026/11/25 03:36:01 ERROR failed to run error="cannot open db: weird"', "other", "other", /^litestream failed to run: cannot open db: weird/],
  ])("%#: classifies %s", (line, op, category, message) => {
    const f = classifyLogLine(line);
    expect(f).toMatchObject({ kind: "error", op, category });
    expect(f?.kind === "error" && f.message).toMatch(message);
    expect(f?.kind === "error" && f.message).not.toMatch(/request ?id|host ?id/i);
  });

  it("keeps replica and database apart, reads successes per operation, and ignores ordinary INFO lines", () => {
    expect(classifyLogLine(AUTH)).toMatchObject({ db: "/data/app.db", replica: "s3" });
    expect(classifyLogLine(SYNC_MISSING)).toMatchObject({ db: "/data/app.db", replica: null });
    expect(classifyLogLine('time=x level=INFO msg="initialized db" path=/data/app.db')).toBeNull();
    expect(classifyLogLine(WRITTEN)).toEqual({ kind: "ok", db: "/data/app.db", replica: "s3", op: "upload" });
    expect(classifyLogLine(SNAPSHOT_WRITTEN)).toEqual({ kind: "ok", db: "/data/app.db", replica: "s3", op: "snapshot" });
    expect(classifyLogLine(SNAPSHOT_DELETED)).toEqual({ kind: "ok", db: "/data/app.db", replica: "s3", op: "retention" });
    expect(classifyLogLine(WAL_DELETED)).toEqual({ kind: "ok", db: "/data/app.db", replica: "s3", op: "retention" });
  });

  it("makes a new generation a note, not an error", () => {
    expect(classifyLogLine(CLEARING)).toEqual({
      kind: "note",
      db: "/data/app.db",
      message: "Litestream started a new generation: it could not find its last WAL position (primary wal header: EOF); a new snapshot is uploaded",
    });
  });

  it("makes Litestream's own .tmp race on a file replica a note, while a missing database stays an error", () => {
    // Seen in e2e/drift/restart.test.ts when Litestream restarted under a running agent.
    const race =
      'time=2026-11-29T12:18:56Z level=ERROR msg="monitor error" db=/data/app.db replica=file error="client write: stat /r/generations/95762ebaa240cbac/wal/00000000_00024380.wal.lz4.tmp: no such file or directory"';
    const finding = classifyLogLine(race);
    expect(finding?.kind).toBe("note");
    expect(finding).toMatchObject({ db: "/data/app.db", message: expect.stringContaining("the next sync writes it again") });
    const missing = 'time=2026-11-29T12:18:56Z level=ERROR msg="sync error" db=/data/app.db error="cannot verify wal state: stat /data/app.db: no such file or directory"';
    expect(classifyLogLine(missing)).toMatchObject({ kind: "error", op: "sync", message: expect.stringContaining("the database file is missing") });
  });
});

describe("error board", () => {
  const t0 = new Date("2026-01-01T00:00:00Z");
  const later = (ms: number) => new Date(t0.getTime() + ms);
  const key = replicaKey("/data/app.db", "s3");
  const apply = (board: ReturnType<typeof emptyBoard>, line: string, ms: number) => applyFinding(board, classifyLogLine(line)!, later(ms));
  const counts = (count: number, errors: number, deletes = 0) => ({
    databases: new Map([["/data/app.db", { syncCount: count, syncErrorCount: errors }]]),
    operations: new Map([["s3:DELETE", deletes], ["s3:PUT", count]]),
  });
  const types = new Map([[key, "s3"]]);

  it("keeps a replica error until Litestream reports that replica working again", () => {
    let board = apply(emptyBoard(), AUTH, 0);
    expect(currentErrors(board, later(3_600_000), 60_000).replicas.get(key)).toMatch(/rejected the credentials/);
    board = apply(board, WRITTEN, 5000);
    expect(currentErrors(board, later(5000), 60_000).replicas.size).toBe(0);
  });

  it("lets errors of no operation expire when they stop recurring", () => {
    const board = apply(emptyBoard(), 'time=x level=ERROR msg="checkpoint error" db=/data/app.db error="database is locked"', 0);
    expect(currentErrors(board, later(30_000), 60_000).databases.get("/data/app.db")).toHaveLength(1);
    expect(currentErrors(board, later(61_000), 60_000).databases.size).toBe(0);
  });

  it("keeps denied deletes through uploads and snapshots, one steady message, until a delete succeeds", () => {
    let board = emptyBoard();
    const seen: string[] = [];
    // Three retention passes, each followed by uploads and a snapshot, as Litestream logged them.
    for (let pass = 0; pass < 3; pass++) {
      board = apply(board, RETENTION, pass * 1000);
      board = apply(board, WRITTEN, pass * 1000 + 300);
      board = apply(board, SNAPSHOT_WRITTEN, pass * 1000 + 600);
      seen.push(currentErrors(board, later(pass * 1000 + 900), 60_000).replicas.get(key) ?? "none");
    }
    expect(new Set(seen).size).toBe(1);
    expect(seen[0]).toMatch(/^deletes denied: retention is not running; storage grows/);
    expect(currentErrors(board, later(3_600_000), 60_000).replicas.get(key)).toBe(seen[0]);
    board = apply(board, SNAPSHOT_DELETED, 5000);
    expect(currentErrors(board, later(5000), 60_000).replicas.size).toBe(0);
    board = apply(apply(emptyBoard(), RETENTION, 0), WAL_DELETED, 10);
    expect(currentErrors(board, later(20), 60_000).replicas.size).toBe(0);
  });

  it("does not let an upload clear a snapshot error that was not about the whole storage, nor the other way", () => {
    let board = apply(emptyBoard(), 'time=x level=ERROR msg="snapshotter error" db=/data/app.db replica=s3 error="snapshot: weird"', 0);
    board = apply(board, WRITTEN, 10);
    expect(currentErrors(board, later(20), 60_000).replicas.get(key)).toMatch(/^snapshot failed/);
    board = apply(board, SNAPSHOT_WRITTEN, 30);
    expect(currentErrors(board, later(40), 60_000).replicas.size).toBe(0);
    // Storage unreachable for uploads: a snapshot that reached the storage proves it reachable again.
    board = apply(emptyBoard(), 'time=x level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="dial tcp 127.0.0.1:9: connect: connection refused"', 0);
    board = apply(board, SNAPSHOT_WRITTEN, 10);
    expect(currentErrors(board, later(20), 60_000).replicas.size).toBe(0);
  });

  it("ends a sync error only when the sync count rises without the error count", () => {
    let board = applyMetrics(emptyBoard(), counts(10, 0), types);
    board = apply(board, SYNC_MISSING, 1000);
    board = applyMetrics(board, counts(12, 2), types); // still failing
    board = apply(board, SYNC_MISSING, 2000);
    const first = currentErrors(board, later(2000), 60_000).databases.get("/data/app.db");
    expect(first).toEqual([expect.stringMatching(/^sync failed: the database file is missing/)]);
    board = applyMetrics(board, counts(12, 2), types); // no sync at all: nothing proven
    expect(currentErrors(board, later(3_600_000), 60_000).databases.get("/data/app.db")).toEqual(first);
    board = applyMetrics(board, counts(14, 2), types); // the file is back, syncs succeed
    expect(currentErrors(board, later(4000), 60_000).databases.size).toBe(0);
  });

  it("ends a retention error when successful deletes on its storage type rise (a whole old generation deleted logs nothing)", () => {
    let board = apply(emptyBoard(), RETENTION, 0);
    board = applyMetrics(board, counts(10, 0, 4), types); // baseline after the failure
    board = applyMetrics(board, counts(11, 0, 4), types);
    board = apply(board, RETENTION, 1000); // next pass fails again: a new baseline
    board = applyMetrics(board, counts(12, 0, 4), types);
    expect(currentErrors(board, later(2000), 60_000).replicas.get(key)).toMatch(/^deletes denied/);
    board = applyMetrics(board, counts(13, 0, 6), types);
    expect(currentErrors(board, later(3000), 60_000).replicas.size).toBe(0);
    // A replica of another type deleting proves nothing for this one.
    board = applyMetrics(apply(emptyBoard(), RETENTION, 0), counts(10, 0, 0), types);
    board = applyMetrics(board, { ...counts(11, 0, 0), operations: new Map([["s3:DELETE", 0], ["file:DELETE", 9]]) }, types);
    expect(currentErrors(board, later(4000), 60_000).replicas.get(key)).toMatch(/^deletes denied/);
  });

  it("takes counters that went down (a new Litestream) as a new baseline, not as a success", () => {
    let board = applyMetrics(emptyBoard(), counts(50, 5), types);
    board = apply(board, SYNC_MISSING, 100);
    board = applyMetrics(board, counts(3, 0), types);
    expect(currentErrors(board, later(1000), 60_000).databases.size).toBe(1);
    board = applyMetrics(board, counts(4, 1), types);
    expect(currentErrors(board, later(2000), 60_000).databases.size).toBe(1);
  });

  it("keeps only retention errors when Litestream restarts, and keeps notes for an hour", () => {
    let board = apply(apply(apply(emptyBoard(), RETENTION, 0), AUTH, 0), CLEARING, 0);
    board = restartBoard(board);
    const now = currentErrors(board, later(1000), 60_000);
    expect(now.replicas.get(key)).toMatch(/^deletes denied/);
    expect(now.notes.get("/data/app.db")).toEqual([expect.stringMatching(/new generation/)]);
    expect(currentErrors(board, later(3_600_001), 60_000).notes.size).toBe(0);
  });

  it("reports two failing operations of one replica in a fixed order", () => {
    const a = apply(apply(emptyBoard(), RETENTION, 0), AUTH, 10);
    const b = apply(apply(emptyBoard(), AUTH, 0), RETENTION, 10);
    expect(currentErrors(a, later(20), 60_000).replicas.get(key)).toBe(currentErrors(b, later(20), 60_000).replicas.get(key));
  });
});

describe("redactSecrets", () => {
  it("removes userinfo, signatures, bearer tokens, secret fields and known values", () => {
    const text = 'url=s3://AKID:sEcReT@bucket/x X-Amz-Signature=abcdef authorization: Bearer brag_123.abc secret-access-key: zzz "sessionToken":"tok" and hunter22';
    const out = redactSecrets(text, ["hunter22"]);
    for (const secret of ["sEcReT", "abcdef", "brag_123.abc", "zzz", '"tok"', "hunter22"]) expect(out).not.toContain(secret);
    expect(out).toContain("s3://bucket/x");
  });
});
