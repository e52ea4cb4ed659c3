// Issue 16, gap 4: Litestream 0.5's `snapshot: {interval, retention}` read from a litestream.yml (0.5.16's
// format), written back when the agent renders the config, reported in heartbeats as bounded seconds, and
// the drill's snapshot-age decision against the reported retention (else 0.5's default 24 h).
// On the old code a 2 h retention was never seen: the drill warned only past 25 h.
import { describe, expect, it } from "vitest";
import { Value } from "@sinclair/typebox/value";
import { parseLitestreamConfig } from "../../src/litestream/config-file.ts";
import { LitestreamConfigError, renderLitestreamConfig } from "../../src/litestream/config.ts";
import { parseGoDuration, snapshotReport } from "../../src/litestream/snapshot-config.ts";
import { planLtxCheck, snapshotAgeWarning, snapshotRetention } from "../../src/drills/ltx-check.ts";
import { SnapshotReport } from "../../src/protocol.ts";
import type { LtxFile } from "../../src/litestream/client/replica-client.ts";

const yml = (extra: string, db = "") => `${extra}\ndbs:\n  - path: /data/app.sqlite3\n${db}    replica:\n      url: file:///backups/app\n`;
const parse = (text: string) => parseLitestreamConfig(text, {}, { source: "litestream.yml" });

describe("Go durations (time.ParseDuration's syntax)", () => {
  it("reads units and their sums", () => {
    expect(parseGoDuration("24h", "f")).toBe(86_400_000);
    expect(parseGoDuration("1h30m", "f")).toBe(5_400_000);
    expect(parseGoDuration("1.5h", "f")).toBe(5_400_000);
    expect(parseGoDuration("90s", "f")).toBe(90_000);
    expect(parseGoDuration("500ms", "f")).toBe(500);
    expect(parseGoDuration("0", "f")).toBe(0);
  });

  it("refuses anything else, naming the field", () => {
    for (const bad of ["", "24", "1d", " 1h", "h", "1h 30m", "1e3s", "-1d"]) {
      expect(() => parseGoDuration(bad, "snapshot.retention")).toThrow(new RegExp(`^snapshot\\.retention: .* is not a duration`));
    }
  });

  it("refuses negative durations and those past Go's largest, as Litestream does", () => {
    expect(() => parseGoDuration("-1h", "snapshot.retention")).toThrow(/^snapshot\.retention: must be greater than 0 \(Litestream refuses "-1h"\)/);
    expect(parseGoDuration("2562047h", "f")).toBe(2562047 * 3600_000);
    for (const long of ["2562048h", "99999999999h"]) {
      expect(() => parseGoDuration(long, "snapshot.retention")).toThrow(/^snapshot\.retention: .* is longer than Go's largest duration/);
    }
  });
});

describe("0.5's snapshot: block in a litestream.yml", () => {
  it("top level", () => {
    expect(parse(yml("snapshot:\n  interval: 1h\n  retention: 72h")).snapshot).toEqual({ intervalMs: 3600_000, retentionMs: 72 * 3600_000 });
  });

  it("per database when the top level leaves it unset; the top level wins", () => {
    expect(parse(yml("", "    snapshot:\n      retention: 6h\n")).snapshot).toEqual({ intervalMs: null, retentionMs: 6 * 3600_000 });
    expect(parse(yml("snapshot:\n  retention: 2h", "    snapshot:\n      retention: 6h\n")).snapshot).toEqual({ intervalMs: null, retentionMs: 2 * 3600_000 });
  });

  it("none set: null (Litestream's defaults)", () => {
    expect(parse(yml("")).snapshot).toBeNull();
  });

  it("databases that disagree, a bad or zero duration, a number: an error naming the field", () => {
    const two = "dbs:\n  - path: /a.db\n    snapshot: {retention: 1h}\n    replica: {url: file:///b/a}\n  - path: /b.db\n    snapshot: {retention: 2h}\n    replica: {url: file:///b/b}\n";
    expect(() => parse(two)).toThrow(/litestream\.yml: conflicting database snapshot retentions \(3600s, 7200s\)/);
    expect(() => parse(yml("snapshot:\n  retention: 1 day"))).toThrow(/^litestream\.yml: snapshot\.retention: "1 day" is not a duration/);
    expect(() => parse(yml("snapshot:\n  interval: 0s"))).toThrow(/^litestream\.yml: snapshot\.interval: must be greater than 0/);
    expect(() => parse(yml("snapshot:\n  retention: 3600"))).toThrow(LitestreamConfigError);
    expect(() => parse(yml("snapshot: 24h"))).toThrow(/snapshot must be a mapping/);
  });

  it("is written back into a 0.5 config the agent renders (only what is set), never into a 0.3 one", () => {
    const databases = [{ path: "/data/app.sqlite3", replicas: [{ type: "file" as const, path: "/backups/app" }] }];
    const v5 = JSON.parse(renderLitestreamConfig({ addr: null, databases, line: "0.5", snapshot: { intervalMs: null, retentionMs: 6 * 3600_000 } }).yaml.replace(/^#.*\n/, ""));
    expect(v5.snapshot).toEqual({ retention: "21600s" });
    const v3 = JSON.parse(renderLitestreamConfig({ addr: null, databases, line: "0.3", snapshot: { intervalMs: 1, retentionMs: 1 } }).yaml.replace(/^#.*\n/, ""));
    expect(v3.snapshot).toBeUndefined();
  });
});

describe("the reported snapshot settings (heartbeat data)", () => {
  it("fills Litestream's defaults, in whole seconds within the schema's bounds", () => {
    expect(snapshotReport(null)).toEqual({ intervalSeconds: 86_400, retentionSeconds: 86_400 });
    expect(snapshotReport({ intervalMs: 500, retentionMs: 6 * 3600_000 })).toEqual({ intervalSeconds: 1, retentionSeconds: 21_600 });
    expect(Value.Check(SnapshotReport, snapshotReport({ intervalMs: 1e15, retentionMs: 1e15 }))).toBe(true);
  });

  it("the schema refuses what is not a bounded whole number of seconds", () => {
    for (const bad of [{ intervalSeconds: 0, retentionSeconds: 1 }, { intervalSeconds: 1, retentionSeconds: 1.5 }, { intervalSeconds: 1, retentionSeconds: "/etc/passwd" }, { intervalSeconds: 1, retentionSeconds: 1e12 }, { intervalSeconds: 1, retentionSeconds: 1, cmd: "rm" }]) {
      expect(Value.Check(SnapshotReport, bad)).toBe(false);
    }
  });
});

describe("the drill's snapshot age against the retention", () => {
  const now = new Date(Date.UTC(2026, 0, 2, 6));
  const snapshot = (hoursAgo: number): LtxFile => ({ level: 9, minTXID: 1, maxTXID: 5, size: 1, createdAt: new Date(now.getTime() - hoursAgo * 3600_000), name: "0000000000000001-0000000000000005.ltx", key: "k" });
  const written: LtxFile = { level: 0, minTXID: 6, maxTXID: 6, size: 1, createdAt: new Date(now.getTime() - 600_000), name: "0000000000000006-0000000000000006.ltx", key: "k6" };
  // A snapshot with writes after it (an idle database's old snapshot warns of nothing: ltx-plan.test.ts).
  const snap = (hoursAgo: number): LtxFile[] => [snapshot(hoursAgo), written];

  it("uses the reported retention; anything out of bounds or missing is the default", () => {
    expect(snapshotRetention(7200)).toEqual({ ms: 7_200_000, source: "reported" });
    for (const bad of [null, undefined, 0, -5, 1.5, "7200", 1e12]) expect(snapshotRetention(bad)).toEqual({ ms: 86_400_000, source: "default" });
  });

  it("a 5 h old snapshot: a warning with a reported 2 h retention, none with the default 24 h", () => {
    expect(snapshotAgeWarning(snap(5), now, snapshotRetention(7200))).toMatch(/is 5 h old, beyond the 2 h snapshot retention its agent reported: Litestream has stopped taking snapshots/);
    expect(snapshotAgeWarning(snap(5), now, snapshotRetention(null))).toBeNull();
    expect(snapshotAgeWarning(snap(30), now, snapshotRetention(null))).toMatch(/beyond the 24 h snapshot retention \(Litestream 0\.5's default; no agent reported one\)/);
  });

  it("a long reported retention keeps a day-old snapshot quiet", () => {
    expect(snapshotAgeWarning(snap(30), now, snapshotRetention(7 * 86_400))).toBeNull();
    const checked = planLtxCheck("file:///b", snap(30), { timestamp: null, now, snapshotRetention: snapshotRetention(7 * 86_400) });
    expect(checked.ok && checked.warnings).toEqual([]);
  });
});
