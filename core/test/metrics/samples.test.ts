// The pure part of a scrape: rows → gauge samples, and the dashboard check's own finders.
import { describe, expect, it } from "vitest";
import { gaugeSamples } from "../../src/metrics/samples.ts";
import type { DatabaseRow } from "../../src/metrics/scrape-rows.ts";
import { grafanaMetricNames, sampledNames } from "./scrape-text.ts";

const now = new Date("2026-11-29T12:00:00.000Z");
const database = (over: Partial<DatabaseRow>): DatabaseRow => ({
  project: "shop",
  database: "app",
  status: "fresh",
  lastHeartbeatAt: null,
  pendingSince: null,
  storageBytes: 0,
  lastDrillStatus: null,
  lastDrillAt: null,
  restoreSeconds: null,
  rpoSeconds: null,
  lastSuccessAt: null,
  ...over,
});

describe("gaugeSamples", () => {
  it("gives one status sample per status, 1 only for the current one, and keeps an unexpected status visible", () => {
    const out = gaugeSamples({ projects: [{ project: "shop", status: "stale", lastHeartbeatAt: null, openIncidents: 2n, pausedAt: null, pausedUntil: null }, { project: "odd", status: "mystery", lastHeartbeatAt: null, openIncidents: 0, pausedAt: null, pausedUntil: null }], databases: [] }, now);
    const shop = out.borela_project_status.filter((s) => s.labels.project === "shop");
    expect(shop.filter((s) => s.value === 1).map((s) => s.labels.status)).toEqual(["stale"]);
    expect(shop.map((s) => s.labels.status).sort()).toEqual(["error", "fresh", "silent", "stale", "unknown"]);
    expect(out.borela_project_status.find((s) => s.labels.project === "odd" && s.value === 1)?.labels.status).toBe("mystery");
    expect(out.borela_project_open_incidents).toEqual([{ labels: { project: "shop" }, value: 2 }, { labels: { project: "odd" }, value: 0 }]);
    // No heartbeat yet: no age at all rather than a made-up one.
    expect(out.borela_project_heartbeat_age_seconds).toEqual([]);
  });

  it("says 1 and the window's end while a pause is on, 0 and no end before it starts or after it ended", () => {
    const project = (name: string, pausedAt: string | null, pausedUntil: string | null) => ({ project: name, status: "stale", lastHeartbeatAt: null, openIncidents: 0, pausedAt, pausedUntil });
    const out = gaugeSamples(
      {
        projects: [
          project("on", "2026-11-29T11:00:00.000+00:00", "2026-11-29T14:00:00.000+00:00"),
          project("ended", "2026-11-29T09:00:00.000+00:00", "2026-11-29T12:00:00.000+00:00"),
          project("never", null, null),
        ],
        databases: [],
      },
      now,
    );
    expect(out.borela_project_paused).toEqual([{ labels: { project: "on" }, value: 1 }, { labels: { project: "ended" }, value: 0 }, { labels: { project: "never" }, value: 0 }]);
    expect(out.borela_project_paused_until_timestamp_seconds).toEqual([{ labels: { project: "on" }, value: Date.parse("2026-11-29T14:00:00Z") / 1000 }]);
  });

  it("measures ages from now, times in Unix seconds, and leaves out a drill that never ran", () => {
    const rows = {
      projects: [],
      databases: [
        database({ lastHeartbeatAt: "2026-11-29T11:59:30.000+00:00", pendingSince: "2026-11-29T11:55:00.000+00:00", storageBytes: 10n ** 12n, lastDrillStatus: "failed", lastDrillAt: "2026-11-29T11:00:00.000+00:00", restoreSeconds: 1.5, rpoSeconds: 0, lastSuccessAt: "2026-11-28T11:00:00.000+00:00" }),
        database({ database: "new" }),
      ],
    };
    const out = gaugeSamples(rows, now);
    const app = { project: "shop", database: "app" };
    expect(out.borela_database_heartbeat_age_seconds).toEqual([{ labels: app, value: 30 }]);
    expect(out.borela_database_replication_lag_seconds).toEqual([{ labels: app, value: 300 }, { labels: { ...app, database: "new" }, value: 0 }]);
    expect(out.borela_database_storage_bytes[0].value).toBe(1e12);
    expect(out.borela_drill_last_result.filter((s) => s.value === 1)).toEqual([{ labels: { ...app, result: "failed" }, value: 1 }]);
    expect(out.borela_drill_last_timestamp_seconds).toEqual([{ labels: app, value: Date.parse("2026-11-29T11:00:00Z") / 1000 }]);
    expect(out.borela_drill_last_success_timestamp_seconds).toEqual([{ labels: app, value: Date.parse("2026-11-28T11:00:00Z") / 1000 }]);
    expect(out.borela_drill_last_rto_seconds).toEqual([{ labels: app, value: 1.5 }]);
    expect(out.borela_drill_last_rpo_seconds).toEqual([{ labels: app, value: 0 }]);
  });
});

describe("the dashboard check's finders", () => {
  it("finds every queried name, and reports one the scrape lacks", () => {
    const names = grafanaMetricNames({ panels: [{ targets: [{ expr: "time() - borela_drill_last_success_timestamp_seconds" }, { expr: 'sum by (result) (increase(borela_missing_total{result="x"}[1h]))' }] }, { targets: [] }] });
    expect(names).toEqual(["borela_drill_last_success_timestamp_seconds", "borela_missing_total"]);
    const sampled = sampledNames("# HELP borela_missing_total x\n# TYPE borela_missing_total counter\nborela_drill_last_success_timestamp_seconds{project=\"a\"} 1\n");
    expect(names.filter((n) => !sampled.has(n))).toEqual(["borela_missing_total"]);
  });

  it("refuses a panel that queries no Borela or process metric", () => {
    expect(() => grafanaMetricNames({ panels: [{ targets: [{ expr: "up" }] }] })).toThrow(/queries no Borela/);
  });
});
