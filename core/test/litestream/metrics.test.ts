import { describe, expect, it } from "vitest";
import { litestreamMetrics, metricsUrl, parsePrometheusText, fetchLitestreamMetrics } from "../../src/litestream/metrics.ts";
import { freePort } from "../support/ports.ts";

// Shape copied from a live 0.3.13 with an s3 replica (values changed).
const TEXT = `# HELP litestream_db_size The current size of the real DB
# TYPE litestream_db_size gauge
litestream_db_size{db="/data/app.db"} 28672
litestream_replica_operation_total{operation="PUT",replica_type="s3"} 7
litestream_replica_validation_total{db="/data/app.db",name="s3",status="error"} 1
litestream_replica_wal_bytes{db="/data/app.db",name="s3"} 37112
litestream_replica_wal_index{db="/data/app.db",name="s3"} 2
litestream_replica_wal_offset{db="/data/app.db",name="s3"} 4152
litestream_shadow_wal_index{db="/data/app.db"} 3
litestream_shadow_wal_size{db="/data/app.db"} 32
litestream_sync_count{db="/data/app.db"} 4
litestream_sync_error_count{db="/data/app.db"} 0
litestream_wal_size{db="/data/app.db"} 37112
litestream_db_size{db="/data/we\\"ird.db"} 1e3
go_goroutines 12
`;

describe("litestreamMetrics", () => {
  it("groups database and replica gauges by path and replica name", () => {
    const m = litestreamMetrics(parsePrometheusText(TEXT));
    const db = m.databases.get("/data/app.db")!;
    expect(db).toMatchObject({ dbSize: 28672, walSize: 37112, shadowWalIndex: 3, shadowWalSize: 32, syncCount: 4, syncErrorCount: 0 });
    expect(db.replicas.get("s3")).toEqual({ name: "s3", walIndex: 2, walOffset: 4152, walBytes: 37112, validationErrors: 1 });
    expect(m.operations.get("s3:PUT")).toBe(7);
    expect(m.databases.get('/data/we"ird.db')?.dbSize).toBe(1000);
  });
});

describe("metricsUrl", () => {
  it("points a wildcard listen address at loopback", () => {
    expect(metricsUrl(":9090")).toBe("http://127.0.0.1:9090/metrics");
    expect(metricsUrl("0.0.0.0:9090")).toBe("http://127.0.0.1:9090/metrics");
    expect(metricsUrl("127.0.0.1:1")).toBe("http://127.0.0.1:1/metrics");
    expect(() => metricsUrl("localhost")).toThrow(/no port/);
  });
});

describe("fetchLitestreamMetrics", () => {
  it("names the address when nothing listens there", async () => {
    const port = await freePort();
    await expect(fetchLitestreamMetrics(`127.0.0.1:${port}`, 1000)).rejects.toThrow(`http://127.0.0.1:${port}/metrics unreachable`);
  });
});
