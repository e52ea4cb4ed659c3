// A private PostgreSQL cluster for tests: Debian's server binaries (/usr/lib/postgresql/<major>/bin,
// installed by scripts/install-system-deps.sh), initdb in a temp dir, listening on 127.0.0.1 only
// (a free port) with its unix socket inside that temp dir. As root the server runs as the
// `postgres` user (PostgreSQL refuses root). Durability is off (fsync, synchronous_commit): a
// test cluster is thrown away. stop() stops it (pg_ctl fast, then SIGKILL) and removes the dir.
//
//   startPostgres(): Promise<PostgresCluster>
//   cluster.createDatabase(name): Promise<string>     a fresh database, its postgresql:// URL
//   cluster.halt() / cluster.resume()                 an outage: pg_ctl stop -m fast (data kept), then the
//                                                     same cluster on the same port again (answers SELECT 1)
//   cluster.freeze() / cluster.thaw()                 a hung server (a failover or a network partition): every
//                                                     server process SIGSTOPped, connections open, no answer
import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./ports.ts";
import { waitFor } from "./wait-for.ts";

const run = promisify(execFile);
const USER = "borela";

export interface PostgresCluster {
  port: number;
  /** The temp dir holding the data directory and the unix socket. */
  dir: string;
  /** postgresql://borela@127.0.0.1:<port>/<database> */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server (pg_ctl stop -m fast), keeping the data dir: clients see connections refused. */
  halt(): Promise<void>;
  /** Starts the halted server again on the same port; resolves once it answers SELECT 1 (30 s at most). */
  resume(): Promise<void>;
  /** SIGSTOPs the server and all its processes: sockets stay open and nothing answers. */
  freeze(): void;
  /** SIGCONTs what freeze() stopped. */
  thaw(): void;
  stop(): Promise<void>;
}

/** The newest installed major's bin dir; throws naming the package to install. */
export function postgresBinDir(root = "/usr/lib/postgresql"): string {
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = majors.map((m) => path.join(root, m, "bin")).find((d) => existsSync(path.join(d, "initdb")));
  if (!dir) throw new Error(`no PostgreSQL server under ${root}: install Debian's postgresql (scripts/install-system-deps.sh)`);
  return dir;
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** As root: the command run as `postgres` through runuser; otherwise as it is. */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const dir = await mkdtemp(path.join(tmpdir(), "borela-pg-"));
  if (process.getuid?.() === 0) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, "data");
  await run(...asPostgres(path.join(bin, "initdb"), ["-D", data, "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]), {
    timeout: 60_000,
  });
  const port = await freePort();
  const [cmd, args] = asPostgres(path.join(bin, "postgres"), [
    "-D", data, "-k", dir, "-h", "127.0.0.1", "-p", String(port),
    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
  ]);
  let stderr = "";
  const launch = () => {
    const c = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    c.stderr?.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    return c;
  };
  let child = launch();
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const url = (database: string) => `postgresql://${USER}@127.0.0.1:${port}/${database}`;
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: url("postgres"), connectionTimeoutMillis: 2_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const halt = async () => {
    if (gone()) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    await run(...asPostgres(path.join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w", "-t", "10"]), { timeout: 15_000 }).catch(() => {
      // The child is runuser as root: the server's own pid is in postmaster.pid.
      const pid = Number(readFileSafe(path.join(data, "postmaster.pid")).split("\n")[0]);
      if (pid > 0) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      child.kill("SIGKILL");
    });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  };
  // The postmaster (its pid in postmaster.pid) and every process whose parent it is, from /proc.
  const serverPids = (): number[] => {
    const main = Number(readFileSafe(path.join(data, "postmaster.pid")).split("\n")[0]);
    if (!(main > 0)) return [];
    const children = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => Number(readFileSafe(`/proc/${d}/stat`).split(") ")[1]?.split(" ")[1]) === main)
      .map(Number);
    return [...children, main];
  };
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of serverPids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
  };
  const stop = async () => {
    signalAll("SIGCONT");
    await halt();
    await rm(dir, { recursive: true, force: true });
  };
  const answers = () =>
    waitFor(
      async () => {
        if (gone()) throw new Error(`postgres exited ${child.exitCode}: ${stderr}`);
        await query("SELECT 1");
        return true;
      },
      { timeoutMs: 30_000, what: `postgres on 127.0.0.1:${port}` },
    );
  try {
    await answers();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    dir,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: lower-case letters, digits and _ only`);
      await query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    halt,
    freeze: () => signalAll("SIGSTOP"),
    thaw: () => signalAll("SIGCONT"),
    async resume() {
      if (!gone()) return;
      child = launch();
      await answers();
    },
    stop,
  };
}
