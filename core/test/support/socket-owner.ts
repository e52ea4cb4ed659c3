// Which process holds a TCP connection: a server sees the sender's port; Linux's /proc/net/tcp maps that
// loopback local port to a socket inode, and /proc/<pid>/fd names the sockets each process holds.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** The pid among `pids` whose socket has local address 127.0.0.1:<port>, or null (gone, or not one of them). Linux only. */
export function socketOwner(port: number, pids: number[]): number | null {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const line = readFileSync("/proc/net/tcp", "utf8").split("\n").find((l) => l.trim().split(/\s+/)[1] === local);
  const inode = line?.trim().split(/\s+/)[9];
  if (!inode) return null;
  const owns = (pid: number) => {
    const fds = `/proc/${pid}/fd`;
    try {
      return readdirSync(fds).some((fd) => {
        try {
          return readlinkSync(`${fds}/${fd}`) === `socket:[${inode}]`;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  };
  return pids.find(owns) ?? null;
}
