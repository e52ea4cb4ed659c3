// The Lease table's SQL, the same on SQLite (several processes on one file in WAL mode) and PostgreSQL:
// a claim is one conditional upsert, so two processes claiming at once get the lease once (SQLite runs
// writes one at a time; PostgreSQL re-checks the WHERE on the row the first claim wrote). The terms
// (length, renewal, who may claim) are pure, in lease-terms.ts.
//
//   const leases = new LeaseStore(store, "sqlite");
//   await leases.claim("sweep", holder, new Date(), 45_000)   // "took" | "kept" | "held"
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { claimOutcome, type ClaimOutcome, type LeaseRow } from "./lease-terms.ts";
import { parseHolderSettings, type HolderSettings, type JobSettings } from "./lease-settings.ts";
import { storeTime } from "./time.ts";

export type LeaseDialect = "sqlite" | "postgresql";

/** The raw-SQL half of either Prisma client (store/db.ts, store/postgres-db.ts). */
export interface RawSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** A holder id for one core in this process: "<hostname>:<pid>:<8 hex>" (two cores in one test process differ). */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** Runs a holder completed since its last claim: how many, and when the last one ended. */
export interface CompletedRuns {
  runs: number;
  lastAt: Date;
}

type Time = string | Date;
interface StoredRow {
  name: string;
  holder: string;
  until: Time;
  acquiredAt: Time;
  renewedAt: Time;
  lastRunAt: Time | null;
  lastRunBy: string | null;
  runs: number | bigint;
}

const asDate = (v: Time): Date => (v instanceof Date ? v : new Date(v));
/** The Setting row keeping what lease `name`'s holder recorded when it took it (lease-settings.ts). */
const SETTINGS_PREFIX = "lease-settings:";

export class LeaseStore {
  constructor(
    private readonly sql: RawSql,
    private readonly dialect: LeaseDialect,
  ) {}

  /** The n-th parameter (each used once, in order: SQLite's `?` binds by position); `time` casts it on PostgreSQL. */
  private p(n: number, time = false): string {
    if (this.dialect === "sqlite") return "?";
    return time ? `$${n}::timestamp(3)` : `$${n}`;
  }

  /**
   * Takes or renews lease `name` for `holder` until `now` + `lengthMs`, unless another holder's lease runs
   * past `now` (lease-terms.ts mayClaim). `done`: runs this holder completed since its last claim, recorded
   * with it (a write at each run's end would land while Prisma's transactions read). Times are the
   * caller's clock: cores on several hosts need clocks within a fraction of the lease length.
   * Errors: the store's (SQLITE_BUSY, a lost connection).
   */
  async claim(name: string, holder: string, now: Date, lengthMs: number, done: CompletedRuns | null = null): Promise<ClaimOutcome> {
    const until = new Date(now.getTime() + lengthMs);
    const p = (n: number, time = false) => this.p(n, time);
    const rows = await this.sql.$queryRawUnsafe<{ acquiredAt: Time }[]>(
      `INSERT INTO "Lease" ("name", "holder", "until", "acquiredAt", "renewedAt", "lastRunAt", "lastRunBy", "runs")
       VALUES (${p(1)}, ${p(2)}, ${p(3, true)}, ${p(4, true)}, ${p(5, true)}, ${p(6, true)}, ${p(7)}, ${p(8)})
       ON CONFLICT ("name") DO UPDATE SET
         "holder" = excluded."holder",
         "until" = excluded."until",
         "acquiredAt" = CASE WHEN "Lease"."holder" = excluded."holder" THEN "Lease"."acquiredAt" ELSE excluded."acquiredAt" END,
         "renewedAt" = excluded."renewedAt",
         "lastRunAt" = COALESCE(excluded."lastRunAt", "Lease"."lastRunAt"),
         "lastRunBy" = COALESCE(excluded."lastRunBy", "Lease"."lastRunBy"),
         "runs" = "Lease"."runs" + excluded."runs"
       WHERE "Lease"."until" < excluded."renewedAt" OR "Lease"."holder" = excluded."holder"
       RETURNING "acquiredAt"`,
      name,
      holder,
      this.time(until),
      this.time(now),
      this.time(now),
      done ? this.time(done.lastAt) : null,
      done ? holder : null,
      done?.runs ?? 0,
    );
    return claimOutcome(rows[0] ? asDate(rows[0].acquiredAt) : null, now);
  }

  /**
   * Lets lease `name` go at `now` if `holder` holds it (a graceful stop), recording `done`: a peer, or this
   * core restarted, takes it at its next tick.
   */
  async release(name: string, holder: string, now: Date, done: CompletedRuns | null = null): Promise<void> {
    const p = (n: number, time = false) => this.p(n, time);
    await this.sql.$executeRawUnsafe(
      `UPDATE "Lease" SET "until" = ${p(1, true)}, "lastRunAt" = COALESCE(${p(2, true)}, "lastRunAt"), "lastRunBy" = COALESCE(${p(3)}, "lastRunBy"),
         "runs" = "runs" + ${p(4)}
       WHERE "name" = ${p(5)} AND "holder" = ${p(6)}`,
      this.time(new Date(now.getTime() - 1)),
      done ? this.time(done.lastAt) : null,
      done ? holder : null,
      done?.runs ?? 0,
      name,
      holder,
    );
  }

  /** Every lease, by name. */
  async list(): Promise<LeaseRow[]> {
    const rows = await this.sql.$queryRawUnsafe<StoredRow[]>(
      `SELECT "name", "holder", "until", "acquiredAt", "renewedAt", "lastRunAt", "lastRunBy", "runs" FROM "Lease" ORDER BY "name"`,
    );
    return rows.map((r) => ({
      name: r.name,
      holder: r.holder,
      until: asDate(r.until),
      acquiredAt: asDate(r.acquiredAt),
      renewedAt: asDate(r.renewedAt),
      lastRunAt: r.lastRunAt === null ? null : asDate(r.lastRunAt),
      lastRunBy: r.lastRunBy,
      runs: Number(r.runs),
    }));
  }

  /** Records `holder`'s job settings for lease `name` (called when it takes the lease). Errors: the store's. */
  async recordSettings(name: string, holder: string, settings: JobSettings): Promise<void> {
    await this.sql.$executeRawUnsafe(
      `INSERT INTO "Setting" ("key", "value") VALUES (${this.p(1)}, ${this.p(2)}) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"`,
      SETTINGS_PREFIX + name,
      JSON.stringify({ holder, settings } satisfies HolderSettings),
    );
  }

  /** What each lease's holder recorded when it took it, by lease name. */
  async listSettings(): Promise<Map<string, HolderSettings>> {
    const rows = await this.sql.$queryRawUnsafe<{ key: string; value: string }[]>(`SELECT "key", "value" FROM "Setting" WHERE "key" LIKE '${SETTINGS_PREFIX}%'`);
    const found = new Map<string, HolderSettings>();
    for (const r of rows) {
      const parsed = parseHolderSettings(r.value);
      if (parsed) found.set(r.key.slice(SETTINGS_PREFIX.length), parsed);
    }
    return found;
  }

  /** SQLite keeps Prisma's DateTime text (storeTime: sorts as it reads); PostgreSQL reads the same ISO text as timestamp(3), offset ignored (UTC). */
  private time(at: Date): string {
    return storeTime(at);
  }
}
