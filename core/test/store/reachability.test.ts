// nextOutage (pure) and the reachability probe over a real SQLite store that another connection locks:
// check() says unreachable within its timeout, one log line when the outage begins, one when it ends.
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { databaseFile } from "../../src/store/db.ts";
import { nextOutage } from "../../src/store/outage.ts";
import { createStoreReachability, freeBytesAt, FULL_ENDS_AT_BYTES, storeLocation } from "../../src/store/reachability.ts";
import { useTempStores } from "../support/use-store.ts";
import { waitFor } from "../support/wait-for.ts";

describe("nextOutage", () => {
  const t0 = new Date("2026-11-30T05:00:00Z");
  const at = (s: number) => new Date(t0.getTime() + s * 1000);

  it("begins once, keeps its start through further failures, ends once with its length", () => {
    const a = nextOutage(null, { ok: false, reason: "connection refused" }, t0);
    expect(a).toEqual({ outage: { since: t0, reason: "connection refused" }, began: true, endedAfterSeconds: null });
    const b = nextOutage(a.outage, { ok: false, reason: "connection reset" }, at(3));
    expect(b).toEqual({ outage: { since: t0, reason: "connection reset" }, began: false, endedAfterSeconds: null });
    const c = nextOutage(b.outage, { ok: true }, at(12.4));
    expect(c).toEqual({ outage: null, began: false, endedAfterSeconds: 12 });
    expect(nextOutage(null, { ok: true }, at(13))).toEqual({ outage: null, began: false, endedAfterSeconds: null });
  });
});

describe("storeLocation", () => {
  it("names host and port of a PostgreSQL URL, never its user or password", () => {
    const where = storeLocation({ dataDir: "/d", databaseUrl: "postgresql://borela:hunter2@db.internal:6543/borela" });
    expect(where).toBe("PostgreSQL at db.internal:6543");
    expect(storeLocation({ dataDir: "/d", databaseUrl: "postgresql://u:p@db/borela" })).toBe("PostgreSQL at db:5432");
    expect(storeLocation({ dataDir: "/data", databaseUrl: null })).toBe("SQLite at /data/borela.db");
  });
});

describe("createStoreReachability over SQLite", () => {
  const stores = useTempStores("borela-reach-");

  it("answers unreachable while another connection holds the file exclusively, logging one line each way", async () => {
    const { store, dir } = await stores.open();
    const lines: string[] = [];
    const log = { info: () => {}, error: () => {}, debug: () => {}, warn: (_o: object, m?: string) => void lines.push(m ?? "") };
    const reach = createStoreReachability({ store, location: storeLocation({ dataDir: dir.path, databaseUrl: null }), log: log as never, timeoutMs: 300, cacheMs: 200, recheckMs: 100 });
    try {
      expect(await reach.check()).toEqual({ ok: true });
      // Exclusive locking mode keeps the lock after COMMIT, readers too are refused; taken while Prisma's
      // connection is closed (it reopens on the next query), as WAL readers otherwise hold the file shared.
      await store.$disconnect();
      const holder = new Sqlite(databaseFile(dir.path));
      holder.pragma("locking_mode = EXCLUSIVE");
      holder.exec("BEGIN EXCLUSIVE; COMMIT");
      await new Promise((r) => setTimeout(r, 250));
      const down = await reach.check();
      expect(down.ok).toBe(false);
      expect(!down.ok && down.error).toMatch(/^the store \(SQLite at .*borela\.db\) cannot be reached: /);
      // A second failure (a request's) in the same outage logs nothing more.
      expect(reach.failed(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))).toMatch(/cannot be reached: SQLITE_BUSY/);
      expect(reach.failed(new Error("a bug"))).toBeNull();
      holder.close();
      await waitFor(() => lines.length >= 2, { timeoutMs: 5_000, what: "the reachable-again line" });
      expect(await reach.check()).toEqual({ ok: true });
      expect(lines.filter((l) => l.startsWith("store unreachable since "))).toHaveLength(1);
      expect(lines.filter((l) => /^store reachable again after \d+ s/.test(l))).toHaveLength(1);
    } finally {
      reach.stop();
    }
  });

  it("a full disk's outage lasts while its file system is short of space, though reads work: no line each way every second", async () => {
    const { store, dir } = await stores.open();
    const lines: string[] = [];
    const log = { info: () => {}, error: () => {}, debug: () => {}, warn: (_o: object, m?: string) => void lines.push(m ?? "") };
    let free = 1024 * 1024;
    const reach = createStoreReachability({ store, location: storeLocation({ dataDir: dir.path, databaseUrl: null }), log: log as never, freeBytes: () => free, cacheMs: 0, recheckMs: 50 });
    try {
      const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
      expect(reach.failed(full)).toMatch(/cannot be reached: SQLITE_FULL/);
      for (let i = 0; i < 5; i++) expect((await reach.check()).ok).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(reach.failed(full)).toMatch(/SQLITE_FULL/);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/store unreachable since .*SQLITE_FULL/);
      free = FULL_ENDS_AT_BYTES;
      await waitFor(() => lines.length >= 2, { timeoutMs: 5_000, what: "the reachable-again line" });
      expect(lines[1]).toMatch(/store reachable again after \d+ s/);
      expect(await reach.check()).toEqual({ ok: true });
      // Another outage's end needs no free space: a lock, say.
      free = 0;
      reach.failed(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }));
      expect(await reach.check()).toEqual({ ok: true });
      expect(lines).toHaveLength(4);
    } finally {
      reach.stop();
    }
  });

  it("freeBytesAt reads the data dir's file system, and null for a path that is not there", async () => {
    const { dir } = await stores.open();
    expect(freeBytesAt(dir.path)).toBeGreaterThan(0);
    expect(freeBytesAt(`${dir.path}/not-there`)).toBeNull();
  });
});
