import { describe, expect, it } from "vitest";
import { applyFinding, classifyLogLine, currentErrors, emptyBoard, replicaKey } from "../../src/agent/log-errors.ts";
import { redactSecrets } from "../../src/agent/redact.ts";

// Lines as Litestream 0.3.13 prints them (captured against fauxqs).
const AUTH = 'time=2026-11-25T03:35:50.021Z level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\\n\\tstatus code: 403, request id: A1AEA84AEA684C8E, host id: fauxqs"';
const BUCKET = 'time=2026-11-25T03:35:50.045Z level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="NoSuchBucket: The specified bucket does not exist: missing\\n\\tstatus code: 404, request id: D1F8, host id: fauxqs"';
const WRITTEN = 'time=2026-11-25T03:35:50.068Z level=INFO msg="wal segment written" db=/data/app.db replica=s3 position=cca1078349c7ea34/00000000:0 elapsed=3.5ms sz=16512';

describe("classifyLogLine", () => {
  it.each([
    [AUTH, "auth", /^storage rejected the credentials \(InvalidAccessKeyId: The AWS Access Key Id/],
    [BUCKET, "bucket", /^the bucket does not exist \(NoSuchBucket/],
    ['time=x level=ERROR msg="sync error" db=/data/app.db error="write /data/.app.db-litestream/x: no space left on device"', "disk-full", /^disk full/],
    ['time=x level=ERROR msg="checkpoint error" db=/data/app.db error="database is locked"', "locked", /^database is locked/],
    ['time=x level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="AccessDenied: Access Denied"', "auth", /AccessDenied/],
    ['time=x level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="SignatureDoesNotMatch: x"', "auth", /SignatureDoesNotMatch/],
    ['time=x level=ERROR msg="init" db=/data/app.db error="mkdir /data/.app.db-litestream: permission denied"', "permission", /^permission denied/],
    ['time=x level=ERROR msg="monitor error" db=/data/app.db replica=s3 error="RequestError: send request failed\\ncaused by: dial tcp 127.0.0.1:9: connect: connection refused"', "network", /^storage unreachable/],
    ['2026/11/25 03:36:01 ERROR failed to run error="cannot open db: weird"', "other", /^litestream failed to run: cannot open db: weird/],
  ])("%#: categorises %s", (line, category, message) => {
    const f = classifyLogLine(line);
    expect(f).toMatchObject({ kind: "error", category });
    expect(f?.kind === "error" && f.message).toMatch(message);
    expect(f?.kind === "error" && f.message).not.toMatch(/request id/);
  });

  it("keeps replica and database apart, and ignores ordinary INFO lines", () => {
    expect(classifyLogLine(AUTH)).toMatchObject({ db: "/data/app.db", replica: "s3" });
    expect(classifyLogLine('time=x level=ERROR msg="sync error" db=/data/app.db error="database is locked"')).toMatchObject({ db: "/data/app.db", replica: null });
    expect(classifyLogLine('time=x level=INFO msg="initialized db" path=/data/app.db')).toBeNull();
    expect(classifyLogLine(WRITTEN)).toEqual({ kind: "ok", db: "/data/app.db", replica: "s3" });
  });
});

describe("error board", () => {
  const t0 = new Date("2026-01-01T00:00:00Z");
  const later = (ms: number) => new Date(t0.getTime() + ms);

  it("keeps a replica error until Litestream reports that replica working again", () => {
    let board = applyFinding(emptyBoard(), classifyLogLine(AUTH)!, t0);
    expect(currentErrors(board, later(3_600_000), 60_000).replicas.get(replicaKey("/data/app.db", "s3"))).toMatch(/rejected the credentials/);
    board = applyFinding(board, classifyLogLine(WRITTEN)!, later(5000));
    expect(currentErrors(board, later(5000), 60_000).replicas.size).toBe(0);
  });

  it("lets database errors expire when they stop recurring", () => {
    const board = applyFinding(emptyBoard(), classifyLogLine('time=x level=ERROR msg="sync error" db=/data/app.db error="database is locked"')!, t0);
    expect(currentErrors(board, later(30_000), 60_000).databases.get("/data/app.db")).toHaveLength(1);
    expect(currentErrors(board, later(61_000), 60_000).databases.size).toBe(0);
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
