// Shared by the drill-*.test.ts security tests: a database replicated for real
// by Litestream, a plain `litestream restore` of a replica to compare drills
// with, and a trap listener that counts every request it is sent.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { restore } from "../../core/src/litestream/commands.ts";
import type { ReplicaTarget } from "../../core/src/litestream/replica-url.ts";
import { addRows, replicate, seededDatabase, tableCounts } from "../../core/test/drills/fixtures.ts";

/** A seeded database in `dir`, replicated to `target` by a real Litestream; returns the database file. */
export async function replicatedDatabase(dir: string, target: ReplicaTarget): Promise<string> {
  const file = seededDatabase(dir);
  await replicate(dir, file, target, [(f) => addRows(f, 3, 5)]);
  return file;
}

let plain = 0;
/** Table counts of a plain `litestream restore` of `target` into `dir`. */
export async function plainRestoreCounts(dir: string, target: ReplicaTarget): Promise<Record<string, number>> {
  const output = path.join(dir, `plain-restore-${++plain}.sqlite3`);
  await restore({ replica: target }, { outputPath: output, timeoutMs: 60_000 });
  return tableCounts(output);
}

export interface Trap {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP listener on 127.0.0.1 that records and refuses (403) every request: where no drill may go. */
export async function startTrap(): Promise<Trap> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    res.writeHead(403, { "content-type": "application/xml" }).end("<Error><Code>AccessDenied</Code></Error>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
