// An HTTP receiver on loopback that records webhook requests and answers with
// scripted status codes (e.g. 500, 500, then 200; 200 once the script ends),
// and a scripted answer body when given.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedHook {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  close(): Promise<void>;
}

/** answer(request): the body of the answer; "ok" (2xx) or "receiver says no" when not given. */
export async function startWebhookReceiver(statuses: number[] = [], answer?: (hook: ReceivedHook) => string): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      const status = statuses[received.length] ?? 200;
      const hook = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, status };
      received.push(hook);
      res.writeHead(status, { "content-type": "text/plain" }).end(answer ? answer(hook) : status < 300 ? "ok" : "receiver says no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
