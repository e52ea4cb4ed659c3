// Stand-ins for docs/compose/ha.yml's `postgres` and `redis` services (their images cannot be pulled here):
// Debian's PostgreSQL and redis-server on the fixed loopback ports the file names, with the role, database
// and password the postgres:17 image would create from POSTGRES_USER / POSTGRES_DB / POSTGRES_PASSWORD.
// Password authentication is on for TCP (scram-sha-256), so a wrong password in the file's URL fails here too.
//
//   const pg = await startPostgresAt(5432, { user: "borela", database: "borela", password }); await pg.stop();
//   const redis = await startRedisAt(6379); await redis.stop();
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { postgresBinDir } from "../../core/test/support/postgres.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

const run = promisify(execFile);

export interface FixedStore {
  port: number;
  stop(): Promise<void>;
}

/** Throws naming the port and what the file expects there when something already listens on 127.0.0.1:`port`. */
export async function requireFreePort(port: number, what: string): Promise<void> {
  const taken = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
  if (taken) throw new Error(`127.0.0.1:${port} is taken: docs/compose/ha.yml puts ${what} there (free the port; the test does not rewrite the file)`);
}

function asPostgres(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
}

/** A throw-away PostgreSQL cluster on 127.0.0.1:`port` with `user` (superuser, `password`) and `database`. */
export async function startPostgresAt(port: number, role: { user: string; database: string; password: string }): Promise<FixedStore> {
  await requireFreePort(port, "PostgreSQL");
  const bin = postgresBinDir();
  const dir = await mkdtemp(path.join(tmpdir(), "borela-ha-pg-"));
  if (process.getuid?.() === 0) {
    const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
    const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    await chown(dir, uid, gid);
  }
  const pwfile = path.join(dir, "pw");
  await writeFile(pwfile, role.password, { mode: 0o644 });
  const data = path.join(dir, "data");
  await run(
    ...asPostgres(path.join(bin, "initdb"), ["-D", data, "-U", role.user, "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"]),
    { timeout: 60_000 },
  );
  await rm(pwfile);
  const [cmd, args] = asPostgres(path.join(bin, "postgres"), ["-D", data, "-k", dir, "-h", "127.0.0.1", "-p", String(port), "-c", "fsync=off", "-c", "synchronous_commit=off"]);
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      await run(...asPostgres(path.join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w", "-t", "10"]), { timeout: 15_000 }).catch(() => {
        const pid = Number(readFileSafe(path.join(data, "postmaster.pid")).split("\n")[0]);
        if (pid > 0) killQuietly(pid);
        child.kill("SIGKILL");
      });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = `postgresql://${role.user}:${role.password}@127.0.0.1:${port}/postgres`;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited ${child.exitCode}: ${stderr}`);
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${role.database}`);
        } finally {
          await client.end();
        }
        return true;
      },
      { timeoutMs: 30_000, what: `postgres on 127.0.0.1:${port}` },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop };
}

/** redis-server on 127.0.0.1:`port`, no persistence, stopped by PID. */
export async function startRedisAt(port: number): Promise<FixedStore> {
  await requireFreePort(port, "Redis");
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await waitFor(
    () =>
      new Promise<boolean | null>((resolve) => {
        if (child.exitCode !== null) return resolve(null);
        const socket = net.connect(port, "127.0.0.1", () => (socket.end(), resolve(true)));
        socket.on("error", () => resolve(null));
      }),
    { timeoutMs: 10_000, what: `redis-server on 127.0.0.1:${port}` },
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
