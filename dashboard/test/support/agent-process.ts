// `borela agent` as its own process, the way users run it: real Litestream,
// a file replica, a heartbeat every second. Stopped by PID.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { watchChild } from "../../../core/test/support/child-output.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

export interface AgentProcess {
  pid: number;
  output(): string;
  /** PID of the Litestream this agent started, or null while none runs. */
  litestreamPid(): Promise<number | null>;
  stop(): Promise<void>;
}

async function childPids(parent: number): Promise<{ pid: number; comm: string }[]> {
  const out: { pid: number; comm: string }[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
    const close = stat.lastIndexOf(")");
    if (close < 0) continue;
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    if (ppid === parent) out.push({ pid: Number(entry), comm });
  }
  return out;
}

export function startAgentProcess(opts: { server: string; token: string; database: string; replicaUrl: string; dir: string; args?: string[] }): AgentProcess {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "core", "bin", "borela.js"), "agent", ...(opts.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      BORELA_SERVER: opts.server,
      BORELA_AGENT_TOKEN: opts.token,
      BORELA_DATABASES: opts.database,
      BORELA_REPLICA_URL: opts.replicaUrl,
      BORELA_HEARTBEAT_INTERVAL_SECONDS: "1",
      BORELA_SAMPLE_INTERVAL_SECONDS: "1",
      BORELA_LITESTREAM_SYNC_INTERVAL: "500ms",
      BORELA_AGENT_STATUS_FILE: path.join(opts.dir, "agent-status.json"),
      BORELA_AGENT_STATE_DIR: path.join(opts.dir, "agent-state"),
      BORELA_LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { output, exited } = watchChild(child, 200_000);
  const pid = child.pid!;

  return {
    pid,
    output,
    async litestreamPid() {
      return (await childPids(pid)).find((c) => c.comm === "litestream" || c.comm.startsWith("litestream-0."))?.pid ?? null;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const litestream = await this.litestreamPid();
      child.kill("SIGTERM");
      const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
      if (!gone) child.kill("SIGKILL");
      if (litestream !== null) {
        try {
          process.kill(litestream, "SIGKILL");
        } catch {
          /* exited with its agent, as it should */
        }
      }
    },
  };
}
