// A private redis-server on a free loopback port, no persistence, stopped by PID.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { freePort } from "./ports.ts";
import { waitFor } from "./wait-for.ts";

export interface RedisServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], {
    stdio: "ignore",
  });
  await waitFor(
    () =>
      new Promise<boolean | null>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => {
          socket.end();
          resolve(true);
        });
        socket.on("error", () => resolve(null));
      }),
    { timeoutMs: 10_000, what: `redis-server on port ${port}` },
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
