// One loopback address in front of several cores, as a load balancer puts it: each request goes to the next
// live backend in turn; a backend that refuses or drops the connection before answering is skipped and the
// request goes to the next (at most one try per backend). Bodies are buffered (agent requests are small).
//
//   const proxy = await startRoundRobinProxy(() => cores.filter((c) => c.alive()).map((c) => c.url));
//   proxy.url; proxy.served.get(core.url) (requests answered by each backend); await proxy.close();
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RoundRobinProxy {
  url: string;
  /** Requests answered, by backend URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

function forward(backend: string, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = http.request(backend + (req.url ?? "/"), { method: req.method, headers: { ...req.headers, host: new URL(backend).host }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    out.on("timeout", () => out.destroy(new Error("backend timed out")));
    out.on("error", reject);
    out.end(body);
  });
}

/** Listens on 127.0.0.1 (a free port); `backends()` is asked on every request. No backend answering: 502. */
export async function startRoundRobinProxy(backends: () => string[]): Promise<RoundRobinProxy> {
  const served = new Map<string, number>();
  let next = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const live = backends();
      const start = next++;
      for (let i = 0; i < live.length; i++) {
        const backend = live[(start + i) % live.length];
        try {
          const answer = await forward(backend, req, body);
          served.set(backend, (served.get(backend) ?? 0) + 1);
          const { connection: _c, "keep-alive": _k, "transfer-encoding": _t, ...headers } = answer.headers;
          res.writeHead(answer.status, headers).end(answer.body);
          return;
        } catch {
          // refused or dropped: the next backend
        }
      }
      res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: "bad_gateway", message: "no core answered" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
