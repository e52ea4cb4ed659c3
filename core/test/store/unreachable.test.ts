// unreachableReason over real error objects provoked from each client: Prisma (PostgreSQL adapter, SQLite
// adapter), pg and its pool, better-sqlite3. A reason for "the store cannot be reached", null for anything else.
import Sqlite from "better-sqlite3";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient as PgPrismaClient } from "../../src/generated/prisma-pg/client.ts";
import { databaseFile, openStore } from "../../src/store/db.ts";
import { unreachableReason } from "../../src/store/unreachable.ts";
import { openPool } from "../../src/store/postgres/pool.ts";
import { freePort } from "../support/ports.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const caught = async (run: () => Promise<unknown> | unknown): Promise<unknown> => {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
};

describe("PostgreSQL: nothing listening", () => {
  let url: string;
  beforeAll(async () => {
    url = `postgresql://borela:s3cret-pw@127.0.0.1:${await freePort()}/nowhere`;
  });

  it("pg's connect error is connection refused, without the password", async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    const err = await caught(() => client.connect());
    expect((err as { code?: string }).code).toBe("ECONNREFUSED");
    expect(unreachableReason(err)).toBe("connection refused");
  });

  it("Prisma's model call (P1001) and raw query (P2010 with DatabaseNotReachable) are unreachable", async () => {
    const prisma = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1 }) });
    try {
      const model = await caught(() => prisma.project.findMany());
      expect((model as { code?: string }).code).toBe("P1001");
      expect(unreachableReason(model)).toBe("cannot reach the database server");
      const raw = await caught(() => prisma.$queryRawUnsafe("SELECT 1"));
      expect((raw as { code?: string }).code).toBe("P2010");
      expect(unreachableReason(raw)).toBe("cannot reach the database server");
      expect(unreachableReason(raw)).not.toContain("s3cret");
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe("PostgreSQL: a running cluster", () => {
  let cluster: PostgresCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase("unreachable_kinds");
  }, 60_000);
  afterAll(async () => cluster?.stop());

  /** Runs pg_terminate_backend on every other connection to the database: their next answer is 57P01. */
  async function terminateOthers() {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    await admin.end();
  }

  it("a connection ended by an administrator (57P01) is unreachable from pg and from Prisma", async () => {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {});
    await client.connect();
    const prisma = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1 }) });
    try {
      await prisma.$queryRawUnsafe("SELECT 1");
      const pgSleep = caught(() => client.query("SELECT pg_sleep(10)"));
      const prismaSleep = caught(() => prisma.$queryRawUnsafe("SELECT pg_sleep(10)"));
      await new Promise((r) => setTimeout(r, 300));
      await terminateOthers();
      const [pgErr, prismaErr] = await Promise.all([pgSleep, prismaSleep]);
      expect((pgErr as { code?: string }).code).toBe("57P01");
      expect(unreachableReason(pgErr)).toMatch(/admin shutdown/);
      expect(unreachableReason(prismaErr)).toMatch(/admin shutdown/);
    } finally {
      await prisma.$disconnect();
      await client.end().catch(() => {});
    }
  }, 30_000);

  it("the hot path's pool survives its checked-out connection being ended between round trips; the next query there is unreachable", async () => {
    // Without a listener on the checked-out client, pg emits the server's FATAL as an uncaught 'error' and the core exits.
    const pool = openPool(url, 1);
    const client = await pool.connect();
    try {
      await client.query("SELECT 1");
      await terminateOthers();
      await new Promise((r) => setTimeout(r, 300));
      const err = await caught(() => client.query("SELECT 1"));
      expect(unreachableReason(err)).not.toBeNull();
    } finally {
      client.release(true);
      await pool.end();
    }
  });

  it("a pool with no free connection within its timeout is unreachable", async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 200 });
    const held = await pool.connect();
    try {
      const err = await caught(() => pool.query("SELECT 1"));
      expect(unreachableReason(err)).toBe("timeout exceeded when trying to connect");
    } finally {
      held.release();
      await pool.end();
    }
  });

  it("errors of bad requests are not", async () => {
    const prisma = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1 }) });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect(unreachableReason(await caught(() => client.query("SELECT * FROM no_such_table")))).toBeNull();
      expect(unreachableReason(await caught(() => client.query("SELECT 1/0")))).toBeNull();
      expect(unreachableReason(await caught(() => prisma.$queryRawUnsafe("SELEKT 1")))).toBeNull();
    } finally {
      await client.end();
      await prisma.$disconnect();
    }
  });
});

describe("SQLite", () => {
  let dir: TmpDir;
  beforeAll(async () => {
    dir = await tmpDir("borela-unreachable-");
  });
  afterAll(async () => dir?.remove());

  it("a file another connection is writing: better-sqlite3's SQLITE_BUSY and Prisma's (SocketTimeout) are unreachable", async () => {
    const store = await openStore(dir.path);
    await store.$queryRawUnsafe("PRAGMA busy_timeout = 50");
    const holder = new Sqlite(databaseFile(dir.path));
    holder.exec("BEGIN IMMEDIATE");
    const other = new Sqlite(databaseFile(dir.path), { timeout: 0 });
    try {
      const rawErr = await caught(() => other.exec("BEGIN IMMEDIATE"));
      expect((rawErr as { code?: string }).code).toBe("SQLITE_BUSY");
      expect(unreachableReason(rawErr)).toBe("SQLITE_BUSY: database is locked");
      const prismaErr = await caught(() => store.$executeRawUnsafe("CREATE TABLE busy_probe (x)"));
      expect(unreachableReason(prismaErr)).toMatch(/busy or locked|SQLITE_BUSY/);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
      other.close();
      await store.$disconnect();
    }
  });

  it("a full disk (SQLITE_FULL, made with max_page_count) is unreachable, through better-sqlite3 and through Prisma", async () => {
    const db = new Sqlite(":memory:");
    db.exec("CREATE TABLE t (x TEXT)");
    db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
    const rawErr = await caught(() => db.prepare("INSERT INTO t VALUES (?)").run("x".repeat(100_000)));
    expect((rawErr as { code?: string }).code).toBe("SQLITE_FULL");
    expect(unreachableReason(rawErr)).toBe("SQLITE_FULL: database or disk is full");
    db.close();
    const full = await tmpDir("borela-unreachable-full-");
    const store = await openStore(full.path);
    try {
      const pages = Number(((await store.$queryRawUnsafe("PRAGMA page_count")) as { page_count: number | bigint }[])[0].page_count);
      await store.$queryRawUnsafe(`PRAGMA max_page_count = ${pages}`);
      const prismaErr = await caught(() => store.$executeRawUnsafe(`CREATE TABLE filler AS SELECT randomblob(100000) AS b`));
      expect(unreachableReason(prismaErr)).toMatch(/SQLITE_FULL|full/);
    } finally {
      await store.$disconnect();
      await full.remove();
    }
  });

  it("a path that cannot be opened as a database file (a directory) is SQLITE_CANTOPEN", async () => {
    const directory = await caught(() => new Sqlite(dir.path).prepare("SELECT count(*) FROM sqlite_master").get());
    expect(unreachableReason(directory)).toMatch(/^SQLITE_CANTOPEN/);
  });

  it("constraint failures and plain errors are not", async () => {
    const db = new Sqlite(":memory:");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    db.exec("INSERT INTO t VALUES (1)");
    expect(unreachableReason(await caught(() => db.exec("INSERT INTO t VALUES (1)")))).toBeNull();
    db.close();
    expect(unreachableReason(new Error("boom"))).toBeNull();
    expect(unreachableReason(new TypeError("x is undefined"))).toBeNull();
    expect(unreachableReason(null)).toBeNull();
  });
});
