// A webhook receiver on loopback that records each request as it arrives (headers, body, the sender's
// port) and, while holding, keeps the answer back until release(): a delivery "in flight" that a test can
// crash or outlast. Answers 200 otherwise. dedupe by the Idempotency-Key header is the test's to count.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HeldHook {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The sender's TCP port: which process sent it (see senderPid in process tests). */
  remotePort: number;
  at: number;
  /** True once a 200 went back to the sender. */
  answered: boolean;
}

export interface HeldReceiver {
  url: string;
  received: HeldHook[];
  hold(on: boolean): void;
  /** Answers every held request with 200 (those whose sender died get nothing). */
  release(): void;
  close(): Promise<void>;
}

export async function startHeldReceiver(): Promise<HeldReceiver> {
  const received: HeldHook[] = [];
  let holding = false;
  const held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      const hook: HeldHook = { headers: req.headers, body, remotePort: req.socket.remotePort ?? 0, at: Date.now(), answered: false };
      received.push(hook);
      const answer = () => {
        if (res.destroyed) return;
        hook.answered = true;
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      };
      if (holding) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    hold: (on) => void (holding = on),
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
