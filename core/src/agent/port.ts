// A free TCP port on 127.0.0.1 for Litestream's metrics endpoint: Litestream
// 0.3.13 does not report the port it got for ":0", so the agent picks one.
//
//   freeLoopbackPort(): Promise<number>
import net from "node:net";

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error(`no free port on 127.0.0.1 (${JSON.stringify(address)})`))));
    });
  });
}
